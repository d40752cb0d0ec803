#!/usr/bin/env bash
# The GitHub release of a production release tag. Idempotent: a re-run finds the release.
# Env: GH_TOKEN, GH_REPO, VERSION, SERVICE.
set -euo pipefail

if gh release view "$VERSION" >/dev/null 2>&1; then
  echo "release $VERSION exists"
  exit 0
fi
gh release create "$VERSION" --verify-tag --generate-notes --title "$SERVICE $VERSION"
