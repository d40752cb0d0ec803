#!/usr/bin/env bash
# Deploys an image by digest: runs the service's deploy document (SSM Run Command) on every
# server of the environment, waits for each, prints what the agent printed, and only when every
# server reported Success writes the release parameter (what a new or replaced server runs). A
# failed, timed-out or lost command fails the step and writes nothing.
# Env: SERVER_INSTANCE_IDS (comma- or space-separated), DEPLOY_DOCUMENT, DOCUMENT_IMAGE_PARAMETER,
#   DOCUMENT_RELEASE_PARAMETER (the document's parameter names, from the release contract),
#   REGISTRY_URL, IMAGE_DIGEST, SENTRY_RELEASE (the release name the container gets),
#   RELEASE_PARAMETER_NAME, SERVICE, VERSION, TARGET_ENVIRONMENT.
# Optional: DEPLOY_TIMEOUT_SECONDS (default 900), DEPLOY_POLL_SECONDS (default 5).
set -euo pipefail

read -r -a instances <<<"${SERVER_INSTANCE_IDS//,/ }"
if ((${#instances[@]} == 0)); then
  echo "::error::no servers to deploy to in $TARGET_ENVIRONMENT (the environment variable of server ids is empty)"
  exit 1
fi
image="$REGISTRY_URL@$IMAGE_DIGEST"
parameters="$(jq -cn --arg ik "$DOCUMENT_IMAGE_PARAMETER" --arg image "$image" \
  --arg rk "$DOCUMENT_RELEASE_PARAMETER" --arg release "$SENTRY_RELEASE" \
  '{($ik): [$image], ($rk): [$release]}')"
command_id="$(aws ssm send-command --document-name "$DEPLOY_DOCUMENT" \
  --instance-ids "${instances[@]}" --parameters "$parameters" \
  --comment "deploy $SERVICE $VERSION" --timeout-seconds 600 \
  --query Command.CommandId --output text)"
if [[ -z "$command_id" || "$command_id" == "None" ]]; then
  echo "::error::SSM did not accept the deploy command: nothing was deployed, nothing written"
  exit 1
fi
echo "SSM command $command_id ($DEPLOY_DOCUMENT) on ${instances[*]}: $image"

deadline=$((SECONDS + ${DEPLOY_TIMEOUT_SECONDS:-900}))
failed=0
for instance in "${instances[@]}"; do
  while true; do
    status="$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \
      --query Status --output text 2>/dev/null || echo Pending)"
    case "$status" in
      Pending | InProgress | Delayed | Cancelling) ;;
      *) break ;;
    esac
    if ((SECONDS >= deadline)); then
      status="still $status after ${DEPLOY_TIMEOUT_SECONDS:-900} seconds"
      break
    fi
    sleep "${DEPLOY_POLL_SECONDS:-5}"
  done
  echo "::group::$instance: $status"
  aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \
    --query '[StandardOutputContent, StandardErrorContent]' --output text || true
  echo "::endgroup::"
  if [[ "$status" != "Success" ]]; then
    echo "::error::$DEPLOY_DOCUMENT on $instance: $status"
    failed=1
  fi
done
if ((failed != 0)); then
  echo "::error::$SERVICE $VERSION did not deploy to every server of $TARGET_ENVIRONMENT: release parameter unchanged"
  exit 1
fi

aws ssm put-parameter --name "$RELEASE_PARAMETER_NAME" --value "$image" --type String --overwrite >/dev/null
echo "$SERVICE $VERSION runs on every server of $TARGET_ENVIRONMENT; $RELEASE_PARAMETER_NAME = $image"
