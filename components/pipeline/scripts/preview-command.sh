#!/usr/bin/env bash
# Runs the service's preview document on the servers that host previews and waits for it.
# Env: PREVIEW_DOCUMENT, PREVIEW_INSTANCE_IDS (space-separated), ACTION (deploy | remove | sweep),
#   PR_NUMBER (empty for sweep), IMAGE (deploy only), LIMIT_EXIT_STATUS, GITHUB_OUTPUT.
# Optional: COMMAND_TIMEOUT_SECONDS (default 900), POLL_SECONDS (default 5).
# Outputs: outcome (deployed | limit | removed | swept | failed), url (deploy), message,
#   previews_left (remove, sweep: previews of every service left on the servers, summed; empty
#   when an agent did not say).
set -euo pipefail

read -r -a instances <<<"$PREVIEW_INSTANCE_IDS"
if [[ "${#instances[@]}" -eq 0 ]]; then
  echo "::error::PREVIEW_INSTANCE_IDS is empty: is the preview environment's stack deployed?"
  exit 1
fi
parameters="$(jq -cn --arg action "$ACTION" --arg pr "${PR_NUMBER:-}" --arg image "${IMAGE:-}" \
  '{action: [$action], pr: [$pr], image: [$image]}')"
command_id="$(aws ssm send-command --document-name "$PREVIEW_DOCUMENT" --instance-ids "${instances[@]}" \
  --parameters "$parameters" --comment "preview $ACTION ${PR_NUMBER:-}" \
  --query Command.CommandId --output text)"
echo "sent $ACTION to ${instances[*]} as command $command_id"

outcome=""
url=""
message=""
left=""
unknown=false
deadline=$((SECONDS + ${COMMAND_TIMEOUT_SECONDS:-900}))
for instance in "${instances[@]}"; do
  while true; do
    invocation="$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \
      --output json 2>/dev/null || echo '{"Status":"Pending"}')"
    status="$(jq -r .Status <<<"$invocation")"
    case "$status" in
      Pending | InProgress | Delayed) ;;
      *) break ;;
    esac
    if ((SECONDS >= deadline)); then
      echo "::error::command $command_id did not finish on $instance in time"
      echo "outcome=failed" >>"$GITHUB_OUTPUT"
      exit 1
    fi
    sleep "${POLL_SECONDS:-5}"
  done
  output="$(jq -r .StandardOutputContent <<<"$invocation")"
  code="$(jq -r .ResponseCode <<<"$invocation")"
  jq -r .StandardErrorContent <<<"$invocation"
  printf '%s\n' "$output"
  if [[ "$status" == "Success" ]]; then
    case "$ACTION" in
      deploy) outcome=deployed ;;
      remove) outcome=removed ;;
      sweep) outcome=swept ;;
    esac
    found="$(sed -n 's/^url=//p' <<<"$output" | tail -n 1)"
    if [[ -n "$found" ]]; then url="$found"; fi
    count="$(sed -n 's/^previews_left=\([0-9][0-9]*\)$/\1/p' <<<"$output" | tail -n 1)"
    if [[ -n "$count" ]]; then left=$((${left:-0} + count)); else unknown=true; fi
  elif [[ "$code" == "$LIMIT_EXIT_STATUS" ]]; then
    outcome=limit
    message="$(grep '^preview limit reached' <<<"$output" | head -n 1 || true)"
    break
  else
    outcome=failed
    message="$ACTION failed on $instance ($status, exit $code)"
    break
  fi
done
# A server whose agent did not count is never reported empty.
if [[ "$unknown" == true ]]; then left=""; fi
{
  echo "outcome=$outcome"
  echo "url=$url"
  echo "message=$message"
  echo "previews_left=$left"
} >>"$GITHUB_OUTPUT"
echo "outcome: $outcome${url:+ at $url}${message:+: $message}"
