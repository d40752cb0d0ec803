#!/usr/bin/env bash
# Node unit tests under c8: line coverage at least COVERAGE_THRESHOLD; reports in REPORT_DIR.
# Env: C8_VERSION, COVERAGE_THRESHOLD, REPORT_DIR.
set -euo pipefail

mkdir -p "$REPORT_DIR"
npm ci --no-audit --no-fund
npx --yes "c8@${C8_VERSION}" --check-coverage --lines "$COVERAGE_THRESHOLD" \
  --reporter=text --reporter=json-summary --reporter=lcov --reporter=cobertura \
  --report-dir "$REPORT_DIR/coverage" npm test
