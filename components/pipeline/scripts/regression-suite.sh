#!/usr/bin/env bash
# The service's own regression suite against the deployed service, when it has one. It runs
# without the job's cloud credentials or OIDC token request variables: the suite is the
# repository's code at the deployed commit and needs only the URL.
# Env: TARGET_URL, REGRESSION_SUITE.
set -euo pipefail

if [[ -x "$REGRESSION_SUITE" ]]; then
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    -u ACTIONS_ID_TOKEN_REQUEST_TOKEN -u ACTIONS_ID_TOKEN_REQUEST_URL \
    "$REGRESSION_SUITE" "$TARGET_URL"
else
  echo "::notice::no executable $REGRESSION_SUITE in this repository: regression suite skipped"
fi
