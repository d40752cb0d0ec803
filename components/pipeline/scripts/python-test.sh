#!/usr/bin/env bash
# Python unit tests under pytest-cov: line coverage at least COVERAGE_THRESHOLD; JUnit and
# coverage reports in REPORT_DIR.
# Env: PYTEST_VERSION, PYTEST_COV_VERSION, COVERAGE_THRESHOLD, REPORT_DIR.
set -euo pipefail

mkdir -p "$REPORT_DIR"
for requirements in requirements.txt requirements-dev.txt; do
  if [[ -f "$requirements" ]]; then
    python -m pip install --disable-pip-version-check -r "$requirements"
  fi
done
python -m pip install --disable-pip-version-check "pytest==${PYTEST_VERSION}" "pytest-cov==${PYTEST_COV_VERSION}"
python -m pytest --junitxml="$REPORT_DIR/junit.xml" --cov=. --cov-report=term-missing \
  --cov-report="xml:$REPORT_DIR/coverage.xml" --cov-fail-under="$COVERAGE_THRESHOLD"
