#!/usr/bin/env bash
# Known vulnerabilities in a python service's dependencies.
# Env: PIP_AUDIT_VERSION.
set -euo pipefail

python -m pip install --disable-pip-version-check "pip-audit==${PIP_AUDIT_VERSION}"
if [[ -f requirements.txt ]]; then
  pip-audit --requirement requirements.txt
else
  pip-audit .
fi
