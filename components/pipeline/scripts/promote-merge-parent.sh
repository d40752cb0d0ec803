#!/usr/bin/env bash
# Promotes the merged branch's image: the head of the merged pull request is the merge commit's
# second parent, whose push built sha-<parent>. Adds sha-<merge commit> to the same digest.
# Env: REGISTRY_URL, VERSION (`sha-<merge commit>`), COMMIT_SHA, BUILD_IMAGE_TAG_PREFIX, GH_TOKEN,
#   GH_REPO.
# Optional: REQUIRE_PASSED_PREFIX + PASSED_ENVIRONMENT, IMAGE_WAIT_SECONDS.
# Outputs: digest, commit (the commit the image was built from).
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

parent="$(gh api "repos/$GH_REPO/commits/$COMMIT_SHA" --jq '.parents[1].sha // empty')"
if [[ -z "$parent" ]]; then
  echo "::error::$COMMIT_SHA is not a merge commit: only a merged pull request promotes an image"
  exit 1
fi
source_tag="${BUILD_IMAGE_TAG_PREFIX}${parent}"
digest="$(promotable_digest "$source_tag")"
tag_digest "$digest" "$VERSION"
echo "promoted $source_tag ($digest) as $VERSION without rebuilding"
echo "digest=$digest" >>"$GITHUB_OUTPUT"
echo "commit=$parent" >>"$GITHUB_OUTPUT"
