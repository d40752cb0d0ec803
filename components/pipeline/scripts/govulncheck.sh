#!/usr/bin/env bash
# Known vulnerabilities reachable from a go service's code.
# Env: GOVULNCHECK_VERSION.
set -euo pipefail

go run "golang.org/x/vuln/cmd/govulncheck@${GOVULNCHECK_VERSION}" ./...
