# shellcheck shell=bash
# Puts the project's Node.js (the major version in .nvmrc, Node 24 LTS) first on PATH.
# Source it: `source scripts/use-node.sh`. When the node on PATH is older, the pinned release is
# installed once from the npm registry (package node-linux-<arch>, which ships the node binary)
# into ${XDG_CACHE_HOME:-$HOME/.cache}/delivery-workflow/ and used from there; npm stays the
# system's (npm 10 and 11 run on Node 24).
#
# Environment: DELIVERY_NODE_VERSION overrides the pinned version.

_delivery_node_version="${DELIVERY_NODE_VERSION:-24.22.3}"
_delivery_node_major="$(tr -dc '0-9' < "$(dirname "${BASH_SOURCE[0]}")/../.nvmrc")"

_delivery_current_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ "$(_delivery_current_major)" -lt "$_delivery_node_major" ]; then
  case "$(uname -m)" in
    x86_64) _delivery_arch=x64 ;;
    aarch64 | arm64) _delivery_arch=arm64 ;;
    *)
      echo "use-node: no Node.js $_delivery_node_major package for $(uname -m); install it yourself" >&2
      return 1
      ;;
  esac
  _delivery_prefix="${XDG_CACHE_HOME:-$HOME/.cache}/delivery-workflow/node-$_delivery_node_version"
  _delivery_bin="$_delivery_prefix/node_modules/node-linux-$_delivery_arch/bin"
  if [ ! -x "$_delivery_bin/node" ]; then
    echo "use-node: installing Node.js $_delivery_node_version into $_delivery_prefix" >&2
    mkdir -p "$_delivery_prefix"
    npm install --prefix "$_delivery_prefix" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-$_delivery_arch@$_delivery_node_version" >&2
  fi
  export PATH="$_delivery_bin:$PATH"
fi
echo "use-node: node $(node --version), npm $(npm --version)" >&2
unset _delivery_node_version _delivery_node_major _delivery_arch _delivery_prefix _delivery_bin
unset -f _delivery_current_major
