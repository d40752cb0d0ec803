#!/usr/bin/env bash
# Adds the marker `<MARK_TAG_PREFIX><VERSION>` to the deployed digest through the registry API:
#  - `released-<version>`: production ran it (the registry's lifecycle policy keeps those; a
#    production rollback accepts only those);
#  - `passed-<environment>-<version>`: it passed that environment's deploy, smoke test and
#    regression suite (production promotes only those).
# Tags are immutable, so a marker never moves; a re-run finds it on the same digest: success.
# Env: REGISTRY_URL, IMAGE_DIGEST, VERSION, MARK_TAG_PREFIX.
set -euo pipefail
# shellcheck source=lib/ecr.sh
source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"

tag_digest "$IMAGE_DIGEST" "${MARK_TAG_PREFIX}${VERSION}"
