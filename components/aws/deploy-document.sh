#!/bin/sh
# Entry of a service's deploy document (`<team>-<env>-<service>-deploy`, run by CI through SSM Run
# Command): installs the agent as the document carries it, then deploys. The document's parameter
# patterns admit only an image of the service's repository by digest and a release name, and the
# agent checks both again. Exit status is the agent's: non-zero leaves the old release serving.
#
# Environment (set by the document's first lines): SITE, IMAGE, RELEASE, AGENT_PATH, and what
# agent-files.sh needs.
set -eu
: "${SITE:?}" "${IMAGE:?}" "${RELEASE:?}" "${AGENT_PATH:?}"

install_agent_files
systemctl enable "delivery-agent@$SITE.service" >/dev/null 2>&1
exec bash "$AGENT_PATH" deploy "$SITE" "$IMAGE" "$RELEASE"
