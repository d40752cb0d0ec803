#!/usr/bin/env bash
# Installs a node service's locked dependencies (its prettier and eslint run as hooks).
set -euo pipefail

npm ci --no-audit --no-fund
