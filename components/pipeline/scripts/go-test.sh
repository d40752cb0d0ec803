#!/usr/bin/env bash
# Go unit tests with the race detector: line coverage at least COVERAGE_THRESHOLD; the profile
# and the per-function report in REPORT_DIR.
# Env: COVERAGE_THRESHOLD, REPORT_DIR.
set -euo pipefail

mkdir -p "$REPORT_DIR"
go test -race -coverprofile="$REPORT_DIR/coverage.out" ./... | tee "$REPORT_DIR/go-test.txt"
go tool cover -func="$REPORT_DIR/coverage.out" >"$REPORT_DIR/coverage.txt"
total="$(awk '/^total:/ { sub("%", "", $3); print $3 }' "$REPORT_DIR/coverage.txt")"
echo "line coverage ${total}% (required ${COVERAGE_THRESHOLD}%)"
if ! awk -v total="$total" -v min="$COVERAGE_THRESHOLD" 'BEGIN { exit !(total + 0 >= min + 0) }'; then
  echo "::error::line coverage ${total}% is below ${COVERAGE_THRESHOLD}%"
  exit 1
fi
