#!/usr/bin/env bash
# A pull request into a promotion branch must come from the one branch the policy allows, of
# this repository: rulesets cannot say so. A fork's branch of the same name is another branch.
# Env: BASE_REF, HEAD_REF, HEAD_REPOSITORY (owner/name the head branch lives in), REPOSITORY
#   (this repository), SOURCE_REGEX, SOURCE_LABEL.
set -euo pipefail

if [[ "$HEAD_REPOSITORY" != "$REPOSITORY" ]]; then
  echo "::error::pull requests into $BASE_REF must come from the $SOURCE_LABEL of $REPOSITORY, not from $HEAD_REPOSITORY"
  exit 1
fi
if [[ "$HEAD_REF" =~ $SOURCE_REGEX ]]; then
  echo "$HEAD_REF may open pull requests into $BASE_REF"
else
  echo "::error::pull requests into $BASE_REF must come from the $SOURCE_LABEL, not $HEAD_REF"
  exit 1
fi
