#!/usr/bin/env bash
# The deployed service answers its health check through its public address.
# Env: PUBLIC_URL, HEALTH_PATH.
set -euo pipefail

url="${PUBLIC_URL%/}$HEALTH_PATH"
echo "GET $url"
curl --fail --silent --show-error --location --max-time 10 --retry 12 --retry-delay 5 --retry-all-errors \
  --output /dev/null --write-out 'HTTP %{http_code}\n' "$url"
