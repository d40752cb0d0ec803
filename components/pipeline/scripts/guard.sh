#!/usr/bin/env bash
# Guard: the exact checks before anything deploys. Runs in a checkout with the whole history.
# Env: REF_TYPE, REF_NAME, COMMIT_SHA, TRIGGER_KIND, TRIGGER_REGEX, TRIGGER_LABEL,
#   OTHER_REGEX (refs another deployment of the same kind owns; may be empty),
#   BUILD_IMAGE_TAG_PREFIX, TARGET_ENVIRONMENT,
#   REQUIRED_ANCESTOR_BRANCH (the protected branch the commit must be on: the release policy's
#   `requiredAncestorBranch`, set for tag triggers; unset or empty: no ancestry check).
# Outputs: deploy (true/false), version (the tag, or sha-<commit> for a branch).
#
# fnmatch triggers are coarser than the policy's regexes (`v*.*.*` also fires for an rc tag),
# so a ref another deployment owns ends the run quietly; any other ref fails loudly. A tag must
# point at a commit of REQUIRED_ANCESTOR_BRANCH: a release tag on a commit that never went through the
# branch (and the environment before it) would skip that stage.
set -euo pipefail

if [[ "$REF_TYPE" == "$TRIGGER_KIND" && "$REF_NAME" =~ $TRIGGER_REGEX ]]; then
  ancestor="${REQUIRED_ANCESTOR_BRANCH:-}"
  if [[ -n "$ancestor" ]] && ! git merge-base --is-ancestor "$COMMIT_SHA" "refs/remotes/origin/$ancestor" 2>/dev/null; then
    echo "::error::$REF_TYPE $REF_NAME points at $COMMIT_SHA, which is not on $ancestor: refusing to deploy to $TARGET_ENVIRONMENT"
    exit 1
  fi
  if [[ "$TRIGGER_KIND" == "tag" ]]; then
    version="$REF_NAME"
  else
    version="${BUILD_IMAGE_TAG_PREFIX}${COMMIT_SHA}"
  fi
  echo "deploy=true" >>"$GITHUB_OUTPUT"
  echo "version=$version" >>"$GITHUB_OUTPUT"
  echo "$REF_TYPE $REF_NAME is a $TRIGGER_LABEL: deploying $version to $TARGET_ENVIRONMENT"
elif [[ "$REF_TYPE" == "$TRIGGER_KIND" && -n "$OTHER_REGEX" && "$REF_NAME" =~ $OTHER_REGEX ]]; then
  echo "deploy=false" >>"$GITHUB_OUTPUT"
  echo "$REF_TYPE $REF_NAME belongs to another environment: nothing to deploy to $TARGET_ENVIRONMENT"
else
  echo "::error::$REF_TYPE $REF_NAME is not a $TRIGGER_LABEL (must match $TRIGGER_REGEX): refusing to deploy to $TARGET_ENVIRONMENT"
  exit 1
fi
