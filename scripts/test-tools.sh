#!/usr/bin/env bash
# Installs the tools the tests run for real, when they are missing:
#   - shellcheck:   checks every generated run: script, the deploy agent, the placeholder image's script
#   - jq:           the generated workflow scripts parse AWS CLI output with it
#   - cloud-init:   `cloud-init schema` checks the servers' user-data
#   - docker.io, docker-registry, busybox-static, iproute2:
#                   the server runtime's end-to-end tests on a real engine and registry (as root)
#   - kamal-proxy:  built from its Go module (below)
#   - zizmor (PyPI, pinned): the GitHub Actions security linter the workflow tests run; installed
#                   into its own virtualenv (python3-venv) and linked as /usr/local/bin/zizmor
#   - moto[server] and the AWS CLI (PyPI, pinned): a local AWS API on loopback (adoption, previews' server); in
#                   their own virtualenv (MOTO_VENV below), not on PATH
# Uses sudo when not root. Installs nothing that is already there.
set -euo pipefail

apt_packages=(shellcheck jq cloud-init docker.io docker-registry busybox-static python3-venv iproute2)
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

# moto (PyPI, pinned) as a local AWS API on loopback, with the AWS CLI in the same virtualenv, for
# test/adopt.test.ts (the import IDs the program gives retained resources are what the API looks up)
# and test/preview-server.e2e.test.ts (the previews' server started and stopped through EC2's API).
MOTO_VERSION=5.2.5
AWSCLI_VERSION=1.46.2
MOTO_VENV="/usr/local/lib/moto-${MOTO_VERSION}"
if [ -x "$MOTO_VENV/bin/moto_server" ] && [ "$("$MOTO_VENV/bin/aws" --version 2>&1 | cut -d' ' -f1)" = "aws-cli/${AWSCLI_VERSION}" ]; then
  echo "test tools: moto ${MOTO_VERSION} and aws-cli ${AWSCLI_VERSION} present in ${MOTO_VENV}"
else
  echo "test tools: installing moto ${MOTO_VERSION} and aws-cli ${AWSCLI_VERSION} into ${MOTO_VENV}"
  "${sudo[@]}" python3 -m venv "$MOTO_VENV"
  "${sudo[@]}" "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "moto[server]==${MOTO_VERSION}" "awscli==${AWSCLI_VERSION}"
fi

# kamal-proxy, the servers' reverse proxy, for the runtime's end-to-end tests and the zero-downtime
# benchmark: built from its Go module through the Go module proxy (checked against the checksum
# database), at the version the servers download (KAMAL_PROXY_VERSION in components/aws/proxy.ts).
# `go install pkg@version` would also ask the proxy for the module's version list, which it
# refuses for this module; building from a throwaway module that requires the version does not.
KAMAL_PROXY_VERSION=v0.9.2
KAMAL_PROXY_BIN=/usr/local/bin/kamal-proxy
if go version -m "$KAMAL_PROXY_BIN" 2>/dev/null | grep -Eq "^\s+mod\s+github.com/basecamp/kamal-proxy\s+$KAMAL_PROXY_VERSION\s"; then
  echo "test tools: kamal-proxy $KAMAL_PROXY_VERSION present"
else
  # The official Go tarball installs to /usr/local/go without touching PATH for every shell.
  command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null || { echo "test tools: kamal-proxy needs Go 1.25 or later on PATH" >&2; exit 1; }
  echo "test tools: building kamal-proxy $KAMAL_PROXY_VERSION"
  build="$(mktemp -d)"
  printf 'module kamalproxybuild\n\ngo 1.25\n\nrequire github.com/basecamp/kamal-proxy %s\n' "$KAMAL_PROXY_VERSION" >"$build/go.mod"
  (cd "$build" && GOFLAGS=-mod=mod go build -trimpath -o "$build/kamal-proxy" github.com/basecamp/kamal-proxy/cmd/kamal-proxy)
  "${sudo[@]}" install -m 0755 "$build/kamal-proxy" "$KAMAL_PROXY_BIN"
  rm -rf "$build"
fi
