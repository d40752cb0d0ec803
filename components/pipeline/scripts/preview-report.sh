#!/usr/bin/env bash
# Tells the pull request what happened to its preview: one comment, found by a hidden marker and
# edited in place on every push (never a second one), and one Slack message when the preview
# first comes up and when it is removed.
# Env: GH_TOKEN, GITHUB_REPOSITORY, PR_NUMBER, PR_TITLE, PR_URL, SERVICE, OUTCOME (deployed |
#   limit | failed | removed), URL, MESSAGE, COMMIT_SHA, RUN_URL, SLACK_WEBHOOK_URL (may be empty).
set -euo pipefail

marker="<!-- delivery-workflow:preview:$SERVICE -->"
case "$OUTCOME" in
  deployed) line="**Preview of \`$SERVICE\`:** $URL (commit ${COMMIT_SHA:0:7}; updated on every push, removed when the pull request closes)" ;;
  limit) line="**No preview of \`$SERVICE\`:** $MESSAGE" ;;
  removed) line="**Preview of \`$SERVICE\` removed:** the pull request was closed." ;;
  *) line="**Preview of \`$SERVICE\` failed:** ${MESSAGE:-see the run}" ;;
esac
body="$(printf '%s\n%s\n\n[workflow run](%s)\n' "$marker" "$line" "$RUN_URL")"

existing="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"
first=false
if [[ -n "$existing" ]]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -f body="$body" >/dev/null
  echo "updated comment $existing"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" -f body="$body" >/dev/null
  echo "commented on #$PR_NUMBER"
  first=true
fi

# Slack: once when the preview first answers, once when it is removed.
notify=false
if [[ "$OUTCOME" == "deployed" && "$first" == "true" ]] || [[ "$OUTCOME" == "removed" && -n "$existing" ]]; then
  notify=true
fi
if [[ "$notify" == "true" && -n "${SLACK_WEBHOOK_URL:-}" ]]; then
  # Slack mrkdwn: &, < and > in text people wrote must be escaped; links are <url|label>.
  escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' <<<"$1"; }
  title="$(escape "$PR_TITLE")"
  if [[ "$OUTCOME" == "deployed" ]]; then
    text="Preview of $SERVICE for <$PR_URL|#$PR_NUMBER $title>: <$URL|$URL>"
  else
    text="Preview of $SERVICE for <$PR_URL|#$PR_NUMBER $title> removed (pull request closed)"
  fi
  jq -n --arg text "$text" '{text: $text}' |
    curl --fail --silent --show-error --max-time 10 -H 'Content-Type: application/json' --data @- "$SLACK_WEBHOOK_URL" >/dev/null
  echo "told Slack"
fi
