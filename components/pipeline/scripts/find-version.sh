#!/usr/bin/env bash
# Rollback: the version must be a known kind of tag, exist in the registry, and name an image the
# target environment ran before: in production one carrying a `<RELEASED_IMAGE_TAG_PREFIX>…` tag,
# elsewhere one carrying the environment's own `<RUNNING_IMAGE_TAG_PREFIX>…` marker (set only after
# every server of that environment reported success). A rollback is not a way to ship an image
# that never went through the release path into an environment: rollback.yml is dispatched from
# the default branch, which every environment's deployment policy admits, and staging and
# integration have no reviewers, so this check is what bounds a writer's dispatch.
# Env: REGISTRY_URL, VERSION, VERSION_REGEXES (newline-separated exact rules), REQUIRE_RELEASED
#   (`true` in production), RELEASED_IMAGE_TAG_PREFIX, RUNNING_IMAGE_TAG_PREFIX (the target's
#   `running-<environment>.`), TARGET_ENVIRONMENT, BUILD_IMAGE_TAG_PREFIX.
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
  marker="$RELEASED_IMAGE_TAG_PREFIX"
else
  marker="$RUNNING_IMAGE_TAG_PREFIX"
fi
if [[ -z "$marker" ]]; then
  echo "::error::no marker prefix to check: refusing to roll back $TARGET_ENVIRONMENT"
  exit 1
fi
# Fixed-string prefix match: an environment name's characters are never read as a pattern.
ran=""
while IFS= read -r tag; do
  if [[ -z "$ran" && "$tag" == "$marker"* ]]; then
    ran="$tag"
  fi
done < <(tags_of "imageDigest=$digest")
if [[ -z "$ran" ]]; then
  echo "::error::$VERSION ($digest) never ran in $TARGET_ENVIRONMENT (no ${marker}… tag): $TARGET_ENVIRONMENT rolls back only to a release it ran"
  exit 1
fi
echo "$VERSION ($digest) ran in $TARGET_ENVIRONMENT before: $ran"
echo "rolling back $TARGET_ENVIRONMENT to $VERSION ($digest)"
echo "digest=$digest" >>"$GITHUB_OUTPUT"
echo "commit=$(build_commit_of "imageDigest=$digest")" >>"$GITHUB_OUTPUT"
