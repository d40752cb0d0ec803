#!/bin/sh
# Entry of an environment's boot document (`<team>-<env>-boot`), which a State Manager association
# runs on the server when it first comes online and again whenever the document changes (a new
# agent, a service added or removed). Waits for cloud-init (Docker, kamal-proxy), installs the
# agent, then for every service runs what its release parameter names: a no-op for a release that
# already runs, so an agent update restarts nothing. Services no longer listed are removed
# (preview sites, `<service>-pr-<n>`, have their own life cycle and are left alone).
# Fails if any service failed: the association reports it, and a replacement server does not get
# the stable address.
#
# SITES may be empty: previews' own server (`<team>-<env>-previews-boot`) runs no service, and
# boots only to install the agent files its preview documents run.
# Environment (set by the document's first lines): SITES (space-separated, may be empty), AGENT_PATH,
# CONFIG_DIR, and what agent-files.sh needs.
set -eu
: "${SITES?}" "${AGENT_PATH:?}" "${CONFIG_DIR:?}"

if command -v cloud-init >/dev/null 2>&1; then
  cloud-init status --wait >/dev/null || echo "cloud-init reported a problem; continuing" >&2
fi
install_agent_files

for settings in "$CONFIG_DIR"/*.env; do
  [ -e "$settings" ] || continue
  site="$(basename "$settings" .env)"
  case " $SITES " in *" $site "*) continue ;; esac
  case "$site" in *-pr-[0-9]*) continue ;; esac
  echo "removing $site: no longer a service of this environment"
  bash "$AGENT_PATH" remove "$site" || true
  systemctl disable "delivery-agent@$site.service" >/dev/null 2>&1 || true
  rm -f "$settings"
done

failed=""
for site in $SITES; do
  systemctl enable "delivery-agent@$site.service" >/dev/null 2>&1
  bash "$AGENT_PATH" boot "$site" || failed="$failed $site"
done
if [ -n "$failed" ]; then
  echo "boot failed for:$failed" >&2
  exit 1
fi
echo "every service runs its released image"
