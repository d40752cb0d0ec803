#!/usr/bin/env bash
# Registry helpers shared by the image, promotion, rollback and marker steps (inlined into each
# step by the generator; sourced as a file by shellcheck and the tests).
# Env: REGISTRY_URL (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>`).
# Optional: IMAGE_WAIT_SECONDS (how long wait_for_tag waits; default 900), IMAGE_WAIT_INTERVAL
# (seconds between looks; default 20).

repository="${REGISTRY_URL#*/}"

# The digest a tag or digest names (`imageTag=…` or `imageDigest=…`), or "" / "None".
digest_of() {
  aws ecr describe-images --repository-name "$repository" --image-ids "$1" \
    --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true
}

# Every tag on the image a tag or digest names, one per line.
tags_of() {
  aws ecr describe-images --repository-name "$repository" --image-ids "$1" \
    --query 'imageDetails[0].imageTags' --output json 2>/dev/null | jq -r '.[]?' || true
}

found() {
  [[ -n "$1" && "$1" != "None" ]]
}

# Waits (bounded) for a tag to appear and prints its digest; prints "" when it never did. An rc
# tagged right after a merge is pushed before the merge's own build finished pushing sha-<commit>.
wait_for_tag() {
  local tag="$1" digest deadline
  deadline=$((SECONDS + ${IMAGE_WAIT_SECONDS:-900}))
  while true; do
    digest="$(digest_of "imageTag=$tag")"
    if found "$digest" || ((SECONDS >= deadline)); then
      break
    fi
    echo "waiting for $tag to be pushed to $repository (the build of its commit may still run)" >&2
    sleep "${IMAGE_WAIT_INTERVAL:-20}"
  done
  found "$digest" && echo "$digest"
  return 0
}

# ECR returns a manifest only in the media types a caller accepts; accept every image kind.
media_types=(
  application/vnd.docker.distribution.manifest.v2+json
  application/vnd.docker.distribution.manifest.list.v2+json
  application/vnd.oci.image.manifest.v1+json
  application/vnd.oci.image.index.v1+json
)

# Adds a tag to a digest through the API (no pull, no push of layers). Tags are immutable: the
# tag already on this digest is success (a re-run), on another digest a failure.
tag_digest() {
  local digest="$1" tag="$2" existing manifest media_type
  existing="$(digest_of "imageTag=$tag")"
  if found "$existing"; then
    if [[ "$existing" != "$digest" ]]; then
      echo "::error::$tag already names $existing, not $digest: tags are immutable"
      return 1
    fi
    echo "$tag already names $digest"
    return 0
  fi
  manifest="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" \
    --accepted-media-types "${media_types[@]}" --query 'images[0].imageManifest' --output text)"
  media_type="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" \
    --accepted-media-types "${media_types[@]}" --query 'images[0].imageManifestMediaType' --output text)"
  if ! aws ecr put-image --repository-name "$repository" --image-tag "$tag" --image-digest "$digest" \
    --image-manifest "$manifest" --image-manifest-media-type "$media_type" >/dev/null; then
    # A concurrent run may have added the same tag meanwhile: what the registry now holds decides.
    existing="$(digest_of "imageTag=$tag")"
    if [[ "$existing" != "$digest" ]]; then
      echo "::error::could not tag $digest as $tag (the registry has $tag as ${existing:-nothing})"
      return 1
    fi
  fi
  echo "tagged $digest as $tag"
}

# Prints the digest a promotion may take from source_tag, or fails naming why not. With
# REQUIRE_PASSED_PREFIX set, the digest must also carry `<prefix><source_tag>`: the marker the
# earlier environment's deploy job adds once deploy, smoke test and regression suite passed.
promotable_digest() {
  local source_tag="$1" digest passed
  digest="$(wait_for_tag "$source_tag")"
  if ! found "$digest"; then
    echo "::error::image $source_tag is not in $repository: nothing to promote" >&2
    return 1
  fi
  if [[ -n "${REQUIRE_PASSED_PREFIX:-}" ]]; then
    passed="$(digest_of "imageTag=${REQUIRE_PASSED_PREFIX}${source_tag}")"
    if [[ "$passed" != "$digest" ]]; then
      echo "::error::$source_tag ($digest) has no ${REQUIRE_PASSED_PREFIX}${source_tag} marker: it did not pass ${PASSED_ENVIRONMENT:-the earlier environment}" >&2
      return 1
    fi
  fi
  echo "$digest"
}

# The build commit of an image: the commit in its `sha-<commit>` tag ("" when it has none).
build_commit_of() {
  tags_of "$1" | sed -n "s/^${BUILD_IMAGE_TAG_PREFIX:-sha-}\([0-9a-f]\{40\}\)\$/\1/p" | head -n 1
}
