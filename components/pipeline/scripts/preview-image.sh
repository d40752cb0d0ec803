#!/usr/bin/env bash
# Builds a pull request's image once, for the runtime's platform, and pushes it as sha-<commit>
# (the merge commit the pull request checks test). ECR tags are immutable: when the tag exists (a
# re-run, or a reopened pull request), it is reused, never rebuilt.
# Env: REGISTRY_URL (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>`), COMMIT_SHA,
#   DOCKER_PLATFORM (`linux/arm64`), DOCKERFILE, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_OUTPUT.
# Outputs: image (`<registry url>@sha256:<digest>`).
set -euo pipefail

repository="${REGISTRY_URL#*/}"
tag="sha-$COMMIT_SHA"

digest_of() {
  aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" \
    --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true
}

digest="$(digest_of)"
if [[ -n "$digest" && "$digest" != "None" ]]; then
  echo "$tag was already built as $digest: not rebuilding"
else
  aws ecr get-login-password | docker login --username AWS --password-stdin "${REGISTRY_URL%%/*}"
  # --provenance=false: one plain image manifest, the digest the server runs and ECR scans.
  if ! docker buildx build --platform "$DOCKER_PLATFORM" --file "$DOCKERFILE" --tag "$REGISTRY_URL:$tag" \
    --label "org.opencontainers.image.revision=$COMMIT_SHA" \
    --label "org.opencontainers.image.source=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" \
    --provenance=false --push .; then
    # Another run pushed the same commit meanwhile (the tag is immutable): use its image.
    echo "push failed; looking for $tag pushed by another run"
  fi
  digest="$(digest_of)"
  if [[ -z "$digest" || "$digest" == "None" ]]; then
    echo "::error::could not build and push $REGISTRY_URL:$tag"
    exit 1
  fi
  echo "built $tag for $DOCKER_PLATFORM: $digest"
fi
echo "image=$REGISTRY_URL@$digest" >>"$GITHUB_OUTPUT"
