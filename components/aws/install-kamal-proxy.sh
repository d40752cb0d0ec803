#!/usr/bin/env bash
# install-kamal-proxy: builds kamal-proxy on the server from its Go module and installs it at
# /usr/local/bin/kamal-proxy. Run once by cloud-init (user-data) on first boot.
#
# kamal-proxy publishes no release binaries (its repository builds only a Docker image), so the
# server builds the pinned module version through the Go module proxy. Integrity: go.sum pins the
# module's own hashes (KAMAL_PROXY_SUM, KAMAL_PROXY_MOD_SUM); every dependency is checked against
# the Go checksum database (sum.golang.org) as `go build` downloads it. The Go toolchain the module
# asks for (go.mod: go 1.25) is fetched the same way when the distribution's is older (GOTOOLCHAIN=auto).
#
# Environment: KAMAL_PROXY_VERSION, KAMAL_PROXY_SUM, KAMAL_PROXY_MOD_SUM (required);
# KAMAL_PROXY_BIN (default /usr/local/bin/kamal-proxy).
set -euo pipefail

: "${KAMAL_PROXY_VERSION:?}" "${KAMAL_PROXY_SUM:?}" "${KAMAL_PROXY_MOD_SUM:?}"
bin="${KAMAL_PROXY_BIN:-/usr/local/bin/kamal-proxy}"
module=github.com/basecamp/kamal-proxy

if [[ -x "$bin" ]] && go version -m "$bin" 2>/dev/null | grep -Eq "^\s+mod\s+$module\s+$KAMAL_PROXY_VERSION\s"; then
  echo "kamal-proxy $KAMAL_PROXY_VERSION is installed"
  exit 0
fi

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
export HOME="$build" GOPATH="$build/go" GOCACHE="$build/cache" GOTOOLCHAIN=auto GOFLAGS="-mod=mod -p=1"
printf 'module kamalproxybuild\n\ngo 1.25\n\nrequire %s %s\n' "$module" "$KAMAL_PROXY_VERSION" >"$build/go.mod"
printf '%s %s %s\n%s %s/go.mod %s\n' "$module" "$KAMAL_PROXY_VERSION" "$KAMAL_PROXY_SUM" \
  "$module" "$KAMAL_PROXY_VERSION" "$KAMAL_PROXY_MOD_SUM" >"$build/go.sum"
(cd "$build" && CGO_ENABLED=0 go build -trimpath -o "$build/kamal-proxy" "$module/cmd/kamal-proxy")
install -m 0755 "$build/kamal-proxy" "$bin"
echo "installed kamal-proxy $KAMAL_PROXY_VERSION at $bin"
