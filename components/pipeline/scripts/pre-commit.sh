#!/usr/bin/env bash
# Runs the repository's own `.pre-commit-config.yaml`, the hooks developers run.
# Env: PRE_COMMIT_VERSION.
set -euo pipefail

python -m pip install --disable-pip-version-check "pre-commit==${PRE_COMMIT_VERSION}"
pre-commit run --all-files --show-diff-on-failure --color=always
