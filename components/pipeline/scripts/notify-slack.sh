#!/usr/bin/env bash
# The one report of a deploy or rollback run, whatever happened: it runs last (`if: always()`)
# and reads every job's result, so a failed guard, check, image build, deploy, regression suite or
# release job, a rejected approval (the environment's job fails) and a cancellation are all
# reported. A run whose guard found nothing to deploy says nothing.
#
# Every value people control (ref names, actor, version, workflow inputs) is escaped as Slack
# asks for message text (& < > as &amp; &lt; &gt;: https://api.slack.com/reference/surfaces/formatting#escaping)
# and the payload is built by jq, never by string pasting. The channel is the spec's; without one
# the key is left out and the webhook's own channel is used.
# Env: SLACK_WEBHOOK, SLACK_CHANNEL, NEEDS_JSON (`toJSON(needs)`), WORKFLOW_NAME, SERVICE,
#   TARGET_ENVIRONMENT, VERSION, REF_NAME, ACTOR, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID.
# Optional: SLACK_DRY_RUN=1 prints the payload instead of posting it.
set -euo pipefail

outcome="$(jq -r '
  if (.guard.outputs.deploy // "true") == "false" then "nothing"
  elif any(.[]; .result == "failure") then "failed"
  elif any(.[]; .result == "cancelled") then "cancelled"
  elif all(.[]; .result == "skipped") then "nothing"
  else "succeeded" end' <<<"$NEEDS_JSON")"
if [[ "$outcome" == nothing ]]; then
  echo "nothing was deployed: no message"
  exit 0
fi
if [[ -z "$SLACK_WEBHOOK" ]]; then
  echo "no Slack webhook (secret SLACK_WEBHOOK_URL): not notifying ($outcome)"
  exit 0
fi

run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
payload="$(jq -cn \
  --argjson needs "$NEEDS_JSON" --arg outcome "$outcome" --arg channel "$SLACK_CHANNEL" \
  --arg workflow "$WORKFLOW_NAME" --arg service "$SERVICE" --arg environment "$TARGET_ENVIRONMENT" \
  --arg version "$VERSION" --arg ref "$REF_NAME" --arg actor "$ACTOR" --arg url "$run_url" '
  def esc: gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;");
  ($needs | to_entries | map(select(.value.result != "success" and .value.result != "skipped"))
    | map("• \(.key | esc): \(.value.result | esc)") | join("\n")) as $problems
  | {
      channel: $channel,
      text: ("\($service | esc) \(if $version == "" then $ref else $version end | esc) to \($environment | esc): \($outcome)"
        + " (<\($url)|\($workflow | esc)>, \($ref | esc), by \($actor | esc))"
        + (if $problems == "" then "" else "\n" + $problems end))
    }
  | if $channel == "" then del(.channel) else . end')"
if [[ "${SLACK_DRY_RUN:-}" == 1 ]]; then
  echo "$payload"
  exit 0
fi
curl --fail --silent --show-error --max-time 10 -H 'Content-Type: application/json' \
  --data "$payload" "$SLACK_WEBHOOK" >/dev/null
echo "Slack: $outcome"
