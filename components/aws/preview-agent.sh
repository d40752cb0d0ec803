#!/usr/bin/env bash
# preview-agent: runs pull-request previews of one service on this server, behind kamal-proxy.
#
#   preview-agent deploy <pr> <image>   run <image> as preview pr-<pr> (create or update it)
#   preview-agent remove <pr>           stop preview pr-<pr> and forget it
#   preview-agent sweep                 remove every preview not deployed for TTL_DAYS
#   preview-agent list                  one line per preview: name, image, last deploy, address
#
# A preview pr-<n> of <service> is the container `<service>-pr-<n>`, published on its own loopback
# port (PORT_BASE..PORT_BASE+PORT_COUNT-1) and registered with kamal-proxy as the proxy service
# `<service>-pr-<n>`:
#   - with PREVIEW_DOMAIN set: host pr-<n>.<service>.<PREVIEW_DOMAIN> (HTTPS via the proxy's ACME
#     certificates when PREVIEW_TLS=true);
#   - without: path prefix /previews/<service>/pr-<n> on the proxy's address (the proxy strips the
#     prefix, so the application sees /); no DNS needed.
# An update starts the new image beside the running one (`<service>-pr-<n>-next`) and lets
# kamal-proxy switch when its health check passes and drain the old one: no request is refused.
#
# Settings: the file named by $PREVIEW_SETTINGS (KEY=value lines, rendered by
# components/aws/preview-agent.ts, sourced here). Keys: SERVICE, REGISTRY (the service's image
# repository; any other image is refused), CONTAINER_PORT, HEALTH_PATH, MAX_PREVIEWS, TTL_DAYS,
# MEMORY_MB, PORT_BASE, PORT_COUNT, PUBLIC_BASE_URL (`metadata`: http://<the server's public IPv4
# now>, read from instance metadata with IMDSv2 — previews' own server gets a new address at every
# start); optional: PREVIEW_DOMAIN, PREVIEW_TLS,
# CONTAINER_ENV_FILE (non-secret configuration, docker --env-file format), SEED_COMMAND_B64 (the
# seed command, base64: run once in the container after a preview's first deploy), LOG_GROUP,
# AWS_REGION, DOCKER_CONFIG_DIR, PROXY_SOCKET.
#
# Environment for tests: PREVIEW_STATE_DIR (default /var/lib/delivery-preview), PREVIEW_NOW (epoch
# seconds: the clock the sweep and the state use), PREVIEW_PROXY_BIN (default kamal-proxy),
# PREVIEW_HEALTH_TIMEOUT (seconds, default 60), PREVIEW_STOP_TIMEOUT (seconds, default 10),
# PREVIEW_METADATA_URL (default http://169.254.169.254).
#
# After remove and sweep the last line is `previews_left=<n>`: previews of every service on this
# server (the workflow stops a server that is stopped while idle when none is left).
#
# Exit codes: 0 done; 1 failed (the running preview, if any, keeps serving); 2 usage;
# 3 the preview limit is reached (nothing changed).
set -euo pipefail

STATE_ROOT="${PREVIEW_STATE_DIR:-/var/lib/delivery-preview}"
PROXY_BIN="${PREVIEW_PROXY_BIN:-kamal-proxy}"
HEALTH_TIMEOUT="${PREVIEW_HEALTH_TIMEOUT:-60}"
STOP_TIMEOUT="${PREVIEW_STOP_TIMEOUT:-10}"

SERVICE=""

log() {
  printf '%s preview-agent[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SERVICE:-}" "$*" >&2
}

die() {
  log "error: $*"
  exit 1
}

usage() {
  echo "usage: preview-agent deploy <pr> <image> | remove <pr> | sweep | list" >&2
  exit 2
}

now() {
  if [[ -n "${PREVIEW_NOW:-}" ]]; then
    printf '%s\n' "$PREVIEW_NOW"
  else
    date -u +%s
  fi
}

load_settings() {
  local file="${PREVIEW_SETTINGS:-}"
  [[ -n "$file" && -r "$file" ]] || die "no settings file (PREVIEW_SETTINGS='$file')"
  # shellcheck source=/dev/null
  source "$file"
  : "${SERVICE:?missing in $file}" "${REGISTRY:?missing in $file}" "${CONTAINER_PORT:?missing in $file}"
  : "${HEALTH_PATH:?missing in $file}" "${MAX_PREVIEWS:?missing in $file}" "${TTL_DAYS:?missing in $file}"
  : "${MEMORY_MB:?missing in $file}" "${PORT_BASE:?missing in $file}" "${PORT_COUNT:?missing in $file}"
  : "${PUBLIC_BASE_URL:?missing in $file}"
  [[ "$SERVICE" =~ ^[a-z][a-z0-9-]*$ ]] || die "SERVICE must be a slug, got '$SERVICE'"
  if [[ -n "${DOCKER_CONFIG_DIR:-}" ]]; then
    export DOCKER_CONFIG="$DOCKER_CONFIG_DIR"
  fi
  if [[ -n "${PROXY_SOCKET:-}" ]]; then
    # kamal-proxy finds its control socket as $XDG_RUNTIME_DIR/kamal-proxy.sock and reads no other
    # variable (internal/server/config.go); the deploy agent runs it with XDG_RUNTIME_DIR set so.
    [[ "$(basename "$PROXY_SOCKET")" == kamal-proxy.sock ]] || die "PROXY_SOCKET must end in kamal-proxy.sock, got '$PROXY_SOCKET'"
    XDG_RUNTIME_DIR="$(dirname "$PROXY_SOCKET")"
    export XDG_RUNTIME_DIR KAMAL_PROXY_SOCKET="$PROXY_SOCKET"
  fi
  SERVICE_STATE="$STATE_ROOT/$SERVICE"
  mkdir -p "$SERVICE_STATE"
}

# One preview operation at a time on this server: ports and the limit are counted across services.
take_lock() {
  exec 9>"$STATE_ROOT/.lock"
  flock --wait 300 9 || die "another preview operation holds $STATE_ROOT/.lock"
}

check_pr() {
  [[ "$1" =~ ^[1-9][0-9]{0,8}$ ]] || die "pull request number must be a positive integer, got '$1'"
}

# The same rule as the deploy agent: only the service's own repository, pinned by digest.
check_image() {
  local image="$1"
  if [[ "$image" != "$REGISTRY@sha256:"* || ! "${image#"$REGISTRY@sha256:"}" =~ ^[0-9a-f]{64}$ ]]; then
    die "refusing image '$image': previews of $SERVICE run only $REGISTRY@sha256:<digest>"
  fi
}

preview_state() {
  local file="$SERVICE_STATE/pr-$1/$2"
  if [[ -f "$file" ]]; then cat "$file"; fi
}

set_preview_state() {
  local dir="$SERVICE_STATE/pr-$1"
  mkdir -p "$dir"
  printf '%s\n' "$3" >"$dir/$2.tmp"
  mv "$dir/$2.tmp" "$dir/$2"
}

# Previews of this service, as pull request numbers, ascending.
previews() {
  local dir
  for dir in "$SERVICE_STATE"/pr-*; do
    [[ -d "$dir" ]] || continue
    printf '%s\n' "${dir##*/pr-}"
  done | sort -n
}

# PUBLIC_BASE_URL=metadata: the address this server has now (IMDSv2; the hop limit of 1 admits
# the host, not its containers). Called before any address is printed, outside a subshell.
resolve_base_url() {
  [[ "$PUBLIC_BASE_URL" == metadata && -z "${PREVIEW_DOMAIN:-}" ]] || return 0
  local imds="${PREVIEW_METADATA_URL:-http://169.254.169.254}" token ip
  token="$(curl -fsS --max-time 5 -X PUT "$imds/latest/api/token" \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')" || die "cannot read instance metadata ($imds) for the server's address"
  ip="$(curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/public-ipv4")" ||
    die "the server has no public IPv4 address (instance metadata public-ipv4)"
  [[ "$ip" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || die "instance metadata gave '$ip' as the public IPv4 address"
  PUBLIC_BASE_URL="http://$ip"
}

address_of() {
  if [[ -n "${PREVIEW_DOMAIN:-}" ]]; then
    local scheme=http
    if [[ "${PREVIEW_TLS:-false}" == "true" ]]; then scheme=https; fi
    printf '%s://pr-%s.%s.%s/\n' "$scheme" "$1" "$SERVICE" "$PREVIEW_DOMAIN"
  else
    printf '%s/previews/%s/pr-%s/\n' "${PUBLIC_BASE_URL%/}" "$SERVICE" "$1"
  fi
}

proxy_route_args() {
  if [[ -n "${PREVIEW_DOMAIN:-}" ]]; then
    printf '%s\n' --host "pr-$1.$SERVICE.$PREVIEW_DOMAIN"
    if [[ "${PREVIEW_TLS:-false}" == "true" ]]; then printf '%s\n' --tls; fi
  else
    printf '%s\n' --path-prefix "/previews/$SERVICE/pr-$1"
  fi
}

port_in_use() {
  local port="$1" file
  for file in "$STATE_ROOT"/*/pr-*/port "$STATE_ROOT"/*/pr-*/next-port; do
    [[ -f "$file" ]] || continue
    if [[ "$(cat "$file")" == "$port" ]]; then return 0; fi
  done
  # Anything else listening there (bash's /dev/tcp connects or fails at once on loopback).
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

free_port() {
  local port
  for ((port = PORT_BASE; port < PORT_BASE + PORT_COUNT; port++)); do
    if ! port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free loopback port in $PORT_BASE..$((PORT_BASE + PORT_COUNT - 1))"
}

log_args() {
  # Non-blocking, as the deploy agent's: a slow log destination drops lines instead of stalling
  # the preview. daemon.json's log-opts do not reach a container that names its own log driver.
  printf '%s\n' --log-opt mode=non-blocking --log-opt max-buffer-size=4m
  if [[ -n "${LOG_GROUP:-}" ]]; then
    printf '%s\n' --log-driver awslogs --log-opt "awslogs-group=$LOG_GROUP" --log-opt "awslogs-region=${AWS_REGION:-}"
  fi
}

start_container() {
  local name="$1" pr="$2" port="$3" image="$4" logging env_args=()
  mapfile -t logging < <(log_args)
  if [[ -n "${CONTAINER_ENV_FILE:-}" ]]; then env_args+=(--env-file "$CONTAINER_ENV_FILE"); fi
  # The integration environment's non-secret settings, then what marks a preview (they win).
  docker run --detach --name "$name" --restart unless-stopped \
    --publish "127.0.0.1:$port:$CONTAINER_PORT" --memory "${MEMORY_MB}m" \
    --label "delivery.service=$SERVICE" --label "delivery.preview=pr-$pr" \
    "${env_args[@]}" --env PREVIEW=true --env "PREVIEW_PR=$pr" --env "PREVIEW_URL=$(address_of "$pr")" \
    "${logging[@]}" "$image" >/dev/null
}

limit_message() {
  local names=() pr
  while read -r pr; do names+=("pr-$pr"); done < <(previews)
  local joined
  joined="$(printf '%s, ' "${names[@]}")"
  printf 'preview limit reached: %s previews of %s are running (%s); close one or raise team.previews.maxPerService\n' \
    "${#names[@]}" "$SERVICE" "${joined%, }"
}

seed_once() {
  local pr="$1" container="$2" command
  [[ -n "${SEED_COMMAND_B64:-}" ]] || return 0
  [[ -z "$(preview_state "$pr" seeded)" ]] || return 0
  command="$(printf '%s' "$SEED_COMMAND_B64" | base64 -d)"
  log "seeding pr-$pr: $command"
  if ! docker exec "$container" sh -c "$command" >&2; then
    die "the seed command failed in $container (the preview runs unseeded; the next deploy tries again)"
  fi
  set_preview_state "$pr" seeded "$(now)"
}

cmd_deploy() {
  local pr="$1" image="$2"
  check_pr "$pr"
  check_image "$image"
  resolve_base_url
  take_lock
  local name="pr-$pr" container="$SERVICE-pr-$pr" next="$SERVICE-pr-$pr-next" existing=false
  if [[ -d "$SERVICE_STATE/$name" ]]; then existing=true; fi
  if [[ "$existing" == false ]]; then
    local count
    count="$(previews | wc -l)"
    if ((count >= MAX_PREVIEWS)); then
      limit_message
      log "$(limit_message)"
      exit 3
    fi
  fi
  if [[ "$existing" == true && "$(preview_state "$pr" image)" == "$image" ]] && docker inspect "$container" >/dev/null 2>&1; then
    set_preview_state "$pr" deployed_at "$(now)"
    log "$name already runs $image"
    printf 'url=%s\n' "$(address_of "$pr")"
    return 0
  fi

  log "pulling $image"
  docker pull --quiet "$image" >/dev/null || die "cannot pull $image"

  local target="$container"
  if docker inspect "$container" >/dev/null 2>&1; then target="$next"; fi
  docker rm --force "$next" >/dev/null 2>&1 || true
  local port route
  port="$(free_port)"
  set_preview_state "$pr" next-port "$port"
  start_container "$target" "$pr" "$port" "$image"
  mapfile -t route < <(proxy_route_args "$pr")
  # kamal-proxy health-checks the new target, switches to it, then drains the old one.
  if ! "$PROXY_BIN" deploy "$container" --target "127.0.0.1:$port" "${route[@]}" \
    --health-check-path "$HEALTH_PATH" --deploy-timeout "${HEALTH_TIMEOUT}s" >&2; then
    docker logs --tail 20 "$target" >&2 2>&1 || true
    docker rm --force "$target" >/dev/null 2>&1 || true
    rm -f "$SERVICE_STATE/$name/next-port"
    if [[ "$existing" == false ]]; then rm -rf "${SERVICE_STATE:?}/$name"; fi
    die "$image did not pass its health check ($HEALTH_PATH) within ${HEALTH_TIMEOUT}s; $name is unchanged"
  fi
  if [[ "$target" == "$next" ]]; then
    docker stop --time "$STOP_TIMEOUT" "$container" >/dev/null 2>&1 || true
    docker rm --force "$container" >/dev/null
    docker rename "$next" "$container"
  fi
  set_preview_state "$pr" port "$port"
  rm -f "$SERVICE_STATE/$name/next-port"
  set_preview_state "$pr" image "$image"
  set_preview_state "$pr" deployed_at "$(now)"
  log "$name now serves $image at $(address_of "$pr")"
  seed_once "$pr" "$container"
  printf 'url=%s\n' "$(address_of "$pr")"
}

remove_preview() {
  local pr="$1" container="$SERVICE-pr-$1"
  "$PROXY_BIN" remove "$container" >/dev/null 2>&1 || true
  docker rm --force "$container" "$container-next" >/dev/null 2>&1 || true
  rm -rf "${SERVICE_STATE:?}/pr-$pr"
}

cmd_remove() {
  local pr="$1"
  check_pr "$pr"
  take_lock
  if [[ ! -d "$SERVICE_STATE/pr-$pr" ]] && ! docker inspect "$SERVICE-pr-$pr" >/dev/null 2>&1; then
    log "pr-$pr of $SERVICE is not running: nothing to remove"
    previews_left
    return 0
  fi
  remove_preview "$pr"
  log "removed pr-$pr of $SERVICE"
  printf 'removed=pr-%s\n' "$pr"
  previews_left
}

# Previews of every service on this server (under the lock: no deploy is half done).
previews_left() {
  local dirs=("$STATE_ROOT"/*/pr-*)
  if [[ -e "${dirs[0]}" ]]; then
    printf 'previews_left=%s\n' "${#dirs[@]}"
  else
    printf 'previews_left=0\n'
  fi
}

cmd_sweep() {
  take_lock
  local pr deployed age limit clock
  clock="$(now)"
  limit=$((TTL_DAYS * 86400))
  while read -r pr; do
    deployed="$(preview_state "$pr" deployed_at)"
    [[ "$deployed" =~ ^[0-9]+$ ]] || deployed=0
    age=$((clock - deployed))
    if ((age > limit)); then
      remove_preview "$pr"
      log "removed pr-$pr: last deployed $((age / 3600)) h ago, longer than $TTL_DAYS day(s)"
      printf 'removed=pr-%s\n' "$pr"
    else
      log "kept pr-$pr: last deployed $((age / 3600)) h ago"
    fi
  done < <(previews)
  previews_left
}

cmd_list() {
  local pr
  resolve_base_url
  while read -r pr; do
    printf 'pr-%s %s %s %s\n' "$pr" "$(preview_state "$pr" image)" "$(preview_state "$pr" deployed_at)" "$(address_of "$pr")"
  done < <(previews)
}

main() {
  [[ $# -ge 1 ]] || usage
  local command="$1"
  shift
  load_settings
  mkdir -p "$STATE_ROOT"
  case "$command" in
    deploy)
      [[ $# -eq 2 ]] || usage
      cmd_deploy "$1" "$2"
      ;;
    remove)
      [[ $# -eq 1 ]] || usage
      cmd_remove "$1"
      ;;
    sweep)
      [[ $# -eq 0 ]] || usage
      cmd_sweep
      ;;
    list)
      [[ $# -eq 0 ]] || usage
      cmd_list
      ;;
    *) usage ;;
  esac
}

main "$@"
