#!/bin/sh
# Shared part of the agent documents (agent-documents.ts concatenates it after the staged files and
# before the entry, deploy-document.sh or boot-document.sh): installs the staged agent, site
# settings and unit. POSIX sh: SSM Run Command's aws:runShellScript runs the script with sh.
#
# Environment (set by the document's first lines): STAGE (directory of the staged files),
# AGENT_PATH, CONFIG_DIR, UNIT_DIR.
set -eu
: "${STAGE:?}" "${AGENT_PATH:?}" "${CONFIG_DIR:?}" "${UNIT_DIR:?}"

install_agent_files() {
  install -d -m 0755 "$CONFIG_DIR"
  install -m 0755 "$STAGE/deploy-agent" "$AGENT_PATH"
  install -m 0600 "$STAGE/environment.conf" "$CONFIG_DIR/environment.conf"
  for settings in "$STAGE"/*.env; do
    [ -e "$settings" ] || continue
    install -m 0600 "$settings" "$CONFIG_DIR/${settings##*/}"
  done
  install -m 0644 "$STAGE/delivery-agent@.service" "$UNIT_DIR/delivery-agent@.service"
  systemctl daemon-reload
  rm -rf "$STAGE"
}
