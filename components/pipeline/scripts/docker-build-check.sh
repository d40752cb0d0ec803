#!/usr/bin/env bash
# Pull request check: the image builds for the platform the environments run (not pushed: no
# registry, no credentials).
# Env: DOCKERFILE, IMAGE_NAME, DOCKER_PLATFORM (`linux/arm64` or `linux/amd64`).
set -euo pipefail

docker buildx build --platform "$DOCKER_PLATFORM" --file "$DOCKERFILE" \
  --tag "$IMAGE_NAME:pull-request" --provenance=false .
