#!/usr/bin/env bash
# One Sentry release per built commit (`<service>@<commit>`, the SENTRY_RELEASE the container
# gets), created by the first environment that runs it (Sentry answers 208 for one that
# exists), and a deploy marker of it per environment.
# Env: SENTRY_TOKEN, SENTRY_URL, SENTRY_ORG, SENTRY_PROJECT, SENTRY_ENV, SENTRY_RELEASE,
#   RELEASE_COMMIT, TARGET_ENVIRONMENT.
set -euo pipefail

if [[ -z "$SENTRY_TOKEN" ]]; then
  echo "no Sentry token for $TARGET_ENVIRONMENT: no release markers"
  exit 0
fi
encoded="$(jq -rn --arg v "$SENTRY_RELEASE" '$v | @uri')"
api="${SENTRY_URL%/}/api/0/organizations/$SENTRY_ORG/releases"
release_body="$(jq -cn --arg v "$SENTRY_RELEASE" --arg p "$SENTRY_PROJECT" --arg c "$RELEASE_COMMIT" \
  '{version: $v, projects: [$p]} + (if $c == "" then {} else {ref: $c} end)')"
environment="${SENTRY_ENV:-$TARGET_ENVIRONMENT}"
deploy_body="$(jq -cn --arg e "$environment" '{environment: $e}')"
curl --fail --silent --show-error --max-time 20 -H "Authorization: Bearer $SENTRY_TOKEN" \
  -H 'Content-Type: application/json' --data "$release_body" "$api/" >/dev/null
curl --fail --silent --show-error --max-time 20 -H "Authorization: Bearer $SENTRY_TOKEN" \
  -H 'Content-Type: application/json' --data "$deploy_body" "$api/$encoded/deploys/" >/dev/null
echo "Sentry: release $SENTRY_RELEASE deployed to $environment"
