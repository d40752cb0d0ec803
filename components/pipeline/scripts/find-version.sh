#!/usr/bin/env bash
# Rollback: the version must be a known kind of tag and exist in the registry; in production it
# must name an image production ran before (one carrying a `<RELEASED_IMAGE_TAG_PREFIX>…` tag):
# a rollback is not a way to ship a candidate that never passed the release path.
# Env: REGISTRY_URL, VERSION, VERSION_REGEXES (newline-separated exact rules), REQUIRE_RELEASED
#   (`true` in production), RELEASED_IMAGE_TAG_PREFIX, TARGET_ENVIRONMENT, BUILD_IMAGE_TAG_PREFIX.
# Outputs: digest, commit (the commit the image was built from, "" when unknown).
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

known=false
while IFS= read -r rule; do
  if [[ -n "$rule" && "$VERSION" =~ $rule ]]; then
    known=true
  fi
done <<<"$VERSION_REGEXES"
if [[ "$known" != true ]]; then
  echo "::error::$VERSION is not a release tag or build tag: nothing to roll back to"
  exit 1
fi
digest="$(digest_of "imageTag=$VERSION")"
if ! found "$digest"; then
  echo "::error::$VERSION is not in $repository: nothing to roll back to"
  exit 1
fi
if [[ "$REQUIRE_RELEASED" == true ]]; then
  released="$(tags_of "imageDigest=$digest" | grep -m 1 "^${RELEASED_IMAGE_TAG_PREFIX}" || true)"
  if [[ -z "$released" ]]; then
    echo "::error::$VERSION ($digest) never ran in $TARGET_ENVIRONMENT (no ${RELEASED_IMAGE_TAG_PREFIX}… tag): $TARGET_ENVIRONMENT rolls back only to a release it ran"
    exit 1
  fi
  echo "$VERSION ($digest) ran in $TARGET_ENVIRONMENT before: $released"
fi
echo "rolling back $TARGET_ENVIRONMENT to $VERSION ($digest)"
echo "digest=$digest" >>"$GITHUB_OUTPUT"
echo "commit=$(build_commit_of "imageDigest=$digest")" >>"$GITHUB_OUTPUT"
