#!/usr/bin/env bash
# A command from the team spec (commands.test), run as written by bash; COVERAGE_THRESHOLD and
# REPORT_DIR are in its environment. The spec is written by the team's maintainers: the
# command is as trusted as this workflow file.
# Env: SERVICE_COMMAND, COVERAGE_THRESHOLD, REPORT_DIR.
set -euo pipefail

mkdir -p "$REPORT_DIR"
bash -euo pipefail -c "$SERVICE_COMMAND"
