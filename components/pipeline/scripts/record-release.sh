#!/usr/bin/env bash
# Records what an environment now runs, after the rollout succeeded (the Kubernetes runtime's
# counterpart of the last line of deploy.sh): the release parameter holds the image by digest,
# exactly as the server runtime writes it after every server reported Success. A step that never
# reaches here (a failed or undone rollout) writes nothing.
# Env: RELEASE_PARAMETER_NAME, REGISTRY_URL, IMAGE_DIGEST, SERVICE, VERSION, TARGET_ENVIRONMENT.
set -euo pipefail

image="$REGISTRY_URL@$IMAGE_DIGEST"
aws ssm put-parameter --name "$RELEASE_PARAMETER_NAME" --value "$image" --type String --overwrite >/dev/null
echo "$SERVICE $VERSION runs in $TARGET_ENVIRONMENT; $RELEASE_PARAMETER_NAME = $image"
