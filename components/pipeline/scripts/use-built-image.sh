#!/usr/bin/env bash
# The image the build job of this run pushed, checked to exist.
# Env: REGISTRY_URL, BUILT_DIGEST, COMMIT_SHA.
# Outputs: digest, commit (the commit the image was built from).
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

digest="$(digest_of "imageDigest=$BUILT_DIGEST")"
if ! found "$digest"; then
  echo "::error::image $BUILT_DIGEST is not in $repository"
  exit 1
fi
echo "digest=$digest" >>"$GITHUB_OUTPUT"
echo "commit=$COMMIT_SHA" >>"$GITHUB_OUTPUT"
