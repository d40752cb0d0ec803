#!/usr/bin/env bash
# Installs the Debian tools the tests run for real, when they are missing:
#   - shellcheck:   checks every generated run: script, the deploy agent, the placeholder image's script
#   - jq:           the generated workflow scripts parse AWS CLI output with it
#   - cloud-init:   `cloud-init schema` checks the servers' user-data
#   - docker.io, docker-registry, busybox-static:
#                   the deploy agent's end-to-end test on a real engine and registry (as root)
#   - zizmor:       the GitHub Actions security linter the workflow tests run (PyPI, pinned)
#   - kamal-proxy:  the servers' reverse proxy, for the preview agent's end-to-end test (built from
#                   its Go module; needs Go)
# Uses sudo when not root. Installs nothing that is already there.
set -euo pipefail

apt_packages=(shellcheck jq cloud-init docker.io docker-registry busybox-static)

# kamal-proxy, pinned. `go install <pkg>@<version>` looks the module's version list up to check
# for a deprecation, and the module proxy here answers that list with 403; downloading the exact
# version and installing from the module cache needs no list.
KAMAL_PROXY_VERSION=v0.9.2
install_kamal_proxy() {
  if command -v kamal-proxy >/dev/null 2>&1; then return 0; fi
  echo "test tools: installing kamal-proxy ${KAMAL_PROXY_VERSION}"
  local dir
  dir="$(go mod download -json "github.com/basecamp/kamal-proxy@${KAMAL_PROXY_VERSION}" | jq -r .Dir)"
  (cd "$dir" && GOBIN=/usr/local/bin GOFLAGS=-buildvcs=false go install -trimpath ./cmd/kamal-proxy)
}

ZIZMOR_VERSION=1.32.0
install_zizmor() {
  if [ "$(zizmor --version 2>/dev/null || true)" = "zizmor ${ZIZMOR_VERSION}" ]; then return 0; fi
  echo "test tools: installing zizmor ${ZIZMOR_VERSION}"
  python3 -m pip install --quiet --disable-pip-version-check "zizmor==${ZIZMOR_VERSION}"
}

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "test tools: all present (${apt_packages[*]})"
  install_kamal_proxy
  install_zizmor
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "test tools: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
install_kamal_proxy
install_zizmor
