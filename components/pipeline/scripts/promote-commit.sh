#!/usr/bin/env bash
# Promotes the image built for the deployed commit (sha-<commit>) under the deployed name, without
# rebuilding. Waits (bounded) for the image: a tag pushed right after a merge starts this run
# before the merge's build pushed it.
# Env: REGISTRY_URL, VERSION (the name to add: the tag), COMMIT_SHA, BUILD_IMAGE_TAG_PREFIX.
# Optional: REQUIRE_PASSED_PREFIX + PASSED_ENVIRONMENT (production: the image must carry the
#   earlier environment's passed marker), IMAGE_WAIT_SECONDS.
# Outputs: digest, commit (the commit the image was built from).
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

source_tag="${BUILD_IMAGE_TAG_PREFIX}${COMMIT_SHA}"
digest="$(promotable_digest "$source_tag")"
tag_digest "$digest" "$VERSION"
echo "promoted $source_tag ($digest) as $VERSION without rebuilding"
echo "digest=$digest" >>"$GITHUB_OUTPUT"
echo "commit=$COMMIT_SHA" >>"$GITHUB_OUTPUT"
