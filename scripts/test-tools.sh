#!/usr/bin/env bash
# Installs the Debian tools the tests run for real, when they are missing:
#   - shellcheck:   checks every generated run: script, the deploy agent, the placeholder image's script
#   - jq:           the generated workflow scripts parse AWS CLI output with it
#   - cloud-init:   `cloud-init schema` checks the servers' user-data
#   - docker.io, docker-registry, busybox-static:
#                   the deploy agent's end-to-end test on a real engine and registry (as root)
#   - zizmor 1.32.0 (PyPI): audits every generated workflow (test/workflow-zizmor.test.ts),
#                   installed in its own venv under /usr/local/lib and linked as /usr/local/bin/zizmor
# Uses sudo when not root. Installs nothing that is already there.
set -euo pipefail

apt_packages=(shellcheck jq cloud-init docker.io docker-registry busybox-static)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "test tools: all present (${apt_packages[*]})"
else
  echo "test tools: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

zizmor_version=1.32.0
zizmor_venv="/usr/local/lib/zizmor-$zizmor_version"
if [ "$(zizmor --version 2>/dev/null)" = "zizmor $zizmor_version" ]; then
  echo "test tools: zizmor $zizmor_version present"
else
  echo "test tools: installing zizmor $zizmor_version"
  # Debian's python3 creates a venv only with python3-venv (ensurepip).
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  "${sudo[@]}" python3 -m venv "$zizmor_venv"
  "${sudo[@]}" "$zizmor_venv/bin/pip" install --quiet --disable-pip-version-check "zizmor==$zizmor_version"
  "${sudo[@]}" ln -sf "$zizmor_venv/bin/zizmor" /usr/local/bin/zizmor
  zizmor --version
fi
