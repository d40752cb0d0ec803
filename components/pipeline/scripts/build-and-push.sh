#!/usr/bin/env bash
# Builds the image once, for the runtime's platform, and pushes it as sha-<commit>. A re-run
# finds the tag (tags are immutable) and reuses it.
# Env: REGISTRY_URL, VERSION (`sha-<commit>`), DOCKERFILE, COMMIT_SHA, DOCKER_PLATFORM,
#   GITHUB_SERVER_URL, GITHUB_REPOSITORY.
# Outputs: digest.
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

existing="$(digest_of "imageTag=$VERSION")"
if found "$existing"; then
  echo "$VERSION was already built as $existing: not rebuilding"
  echo "digest=$existing" >>"$GITHUB_OUTPUT"
  exit 0
fi
aws ecr get-login-password | docker login --username AWS --password-stdin "${REGISTRY_URL%%/*}"
# --provenance=false: one plain image manifest per build, the digest the servers run and ECR scans.
docker buildx build --platform "$DOCKER_PLATFORM" --file "$DOCKERFILE" --tag "$REGISTRY_URL:$VERSION" \
  --label "org.opencontainers.image.revision=$COMMIT_SHA" \
  --label "org.opencontainers.image.source=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" \
  --provenance=false --push .
digest="$(digest_of "imageTag=$VERSION")"
if ! found "$digest"; then
  echo "::error::pushed $VERSION but the registry does not show it"
  exit 1
fi
echo "built $VERSION for $DOCKER_PLATFORM: $digest"
echo "digest=$digest" >>"$GITHUB_OUTPUT"
