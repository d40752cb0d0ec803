#!/usr/bin/env bash
# Installs the tools the tests run for real, when they are missing:
#   - shellcheck:   checks every generated run: script, the deploy agent, the placeholder image's script
#   - jq:           the generated workflow scripts parse AWS CLI output with it
#   - cloud-init:   `cloud-init schema` checks the servers' user-data
#   - docker.io, docker-registry, busybox-static:
#                   the deploy agent's end-to-end test on a real engine and registry (as root)
#   - zizmor (PyPI, pinned): the GitHub Actions security linter the workflow tests run; installed
#                   into its own virtualenv (python3-venv) and linked as /usr/local/bin/zizmor
# Uses sudo when not root. Installs nothing that is already there.
set -euo pipefail

apt_packages=(shellcheck jq cloud-init docker.io docker-registry busybox-static python3-venv)
ZIZMOR_VERSION=1.32.0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

missing=()
for p in "${apt_packages[@]}"; do
  # A Docker engine from another package (GitHub's runners ship docker-ce) conflicts with docker.io.
  if [ "$p" = docker.io ] && command -v dockerd >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "test tools: apt packages all present (${apt_packages[*]})"
else
  echo "test tools: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$(zizmor --version 2>/dev/null || true)" = "zizmor ${ZIZMOR_VERSION}" ]; then
  echo "test tools: zizmor ${ZIZMOR_VERSION} present"
else
  venv="/usr/local/lib/zizmor-${ZIZMOR_VERSION}"
  echo "test tools: installing zizmor ${ZIZMOR_VERSION} into ${venv}"
  "${sudo[@]}" python3 -m venv "$venv"
  "${sudo[@]}" "$venv/bin/pip" install --quiet --disable-pip-version-check "zizmor==${ZIZMOR_VERSION}"
  "${sudo[@]}" ln -sf "$venv/bin/zizmor" /usr/local/bin/zizmor
  zizmor --version
fi
