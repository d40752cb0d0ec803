#!/usr/bin/env bash
# SonarQube / SonarCloud analysis of the checked-out code with the test step's coverage, and
# its quality gate: the scanner waits for the gate and fails when it fails, so this job is the
# required `sonar` check. A pull request from a fork gets no secrets: the check fails and says so
# (a skipped job would count as passed).
# Env: SONAR_TOKEN, SONAR_HOST_URL, SONAR_PROJECT_KEY, SONAR_SCANNER_VERSION, REPORT_DIR.
# Optional: SONAR_ORGANIZATION (SonarCloud).
set -euo pipefail

if [[ -z "$SONAR_TOKEN" ]]; then
  echo "::error::no SONAR_TOKEN secret (a pull request from a fork gets none): the quality gate cannot run"
  exit 1
fi
args=(
  "-Dsonar.host.url=$SONAR_HOST_URL"
  "-Dsonar.projectKey=$SONAR_PROJECT_KEY"
  "-Dsonar.qualitygate.wait=true"
  "-Dsonar.qualitygate.timeout=600"
)
if [[ -n "${SONAR_ORGANIZATION:-}" ]]; then args+=("-Dsonar.organization=$SONAR_ORGANIZATION"); fi
if [[ -f "$REPORT_DIR/coverage/lcov.info" ]]; then
  args+=("-Dsonar.javascript.lcov.reportPaths=$REPORT_DIR/coverage/lcov.info")
fi
if [[ -f "$REPORT_DIR/coverage.xml" ]]; then args+=("-Dsonar.python.coverage.reportPaths=$REPORT_DIR/coverage.xml"); fi
if [[ -f "$REPORT_DIR/coverage.out" ]]; then args+=("-Dsonar.go.coverage.reportPaths=$REPORT_DIR/coverage.out"); fi
npx --yes "sonarqube-scanner@${SONAR_SCANNER_VERSION}" "${args[@]}"
