#!/usr/bin/env bash
# Installs the Debian tools the tests run for real, when they are missing:
#   - shellcheck:   checks every generated run: script, the deploy agent, the placeholder image's script
#   - jq:           the generated workflow scripts parse AWS CLI output with it
#   - cloud-init:   `cloud-init schema` checks the servers' user-data
#   - docker.io, docker-registry, busybox-static:
#                   the deploy agent's end-to-end test on a real engine and registry (as root)
# Uses sudo when not root. Installs nothing that is already there.
set -euo pipefail

apt_packages=(shellcheck jq cloud-init docker.io docker-registry busybox-static)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "test tools: all present (${apt_packages[*]})"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "test tools: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
