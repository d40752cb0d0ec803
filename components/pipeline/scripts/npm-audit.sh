#!/usr/bin/env bash
# Known vulnerabilities of high severity in a node service's production dependencies.
set -euo pipefail

npm audit --omit=dev --audit-level=high
