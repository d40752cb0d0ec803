#!/usr/bin/env bash
# Writes what the test step left in REPORT_DIR to the job summary: line coverage and the list
# of report files (uploaded as the run's `test-reports` artifact).
# Env: REPORT_DIR, COVERAGE_THRESHOLD, GITHUB_STEP_SUMMARY.
set -euo pipefail

summary() {
  echo "## Tests"
  if [[ ! -d "$REPORT_DIR" ]]; then
    echo "No reports were written (the test step did not get that far)."
    return 0
  fi
  local pct=""
  if [[ -f "$REPORT_DIR/coverage/coverage-summary.json" ]]; then # c8 (node)
    pct="$(jq -r '.total.lines.pct' "$REPORT_DIR/coverage/coverage-summary.json")"
  elif [[ -f "$REPORT_DIR/coverage.xml" ]]; then # pytest-cov (Cobertura)
    pct="$(sed -n 's/.*<coverage[^>]* line-rate="\([0-9.]*\)".*/\1/p' "$REPORT_DIR/coverage.xml" | head -n 1)"
    [[ -n "$pct" ]] && pct="$(awk -v r="$pct" 'BEGIN { printf "%.1f", r * 100 }')"
  elif [[ -f "$REPORT_DIR/coverage.txt" ]]; then # go tool cover
    pct="$(awk '/^total:/ { sub("%", "", $3); print $3 }' "$REPORT_DIR/coverage.txt")"
  fi
  if [[ -n "$pct" ]]; then
    echo "Line coverage: **${pct}%** (required ${COVERAGE_THRESHOLD}%)"
  fi
  echo
  echo "Reports (artifact \`test-reports\`):"
  find "$REPORT_DIR" -type f | sort | sed "s|^$REPORT_DIR/|- |"
}

summary >>"$GITHUB_STEP_SUMMARY"
