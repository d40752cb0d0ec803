#!/usr/bin/env bash
# deploy-agent: runs the released image of a service on this server.
#
#   deploy-agent deploy <service>     run the image the release parameter names
#   deploy-agent rollback <service>   run the release that ran before, and point the parameter at it
#   deploy-agent status <service>     print the current and previous release
#
# How traffic switches: the service's public port is served by the container itself. A new
# release first starts beside the old one on a spare loopback port; only when its health check
# passes there is the old container stopped (and kept) and the new one started on the public port.
# If the new release fails either health check, the old container is started again, so a failed
# deploy costs at most the seconds of the switch, and the agent exits non-zero.
#
# Written by cloud-init from components/aws/user-data.ts; settings per service come from
# $DELIVERY_AGENT_CONFIG_DIR/<service>.env (see components/aws/deploy-agent.ts). Tests point the
# directories elsewhere and put a stub `aws` first on PATH.
set -euo pipefail

CONFIG_DIR="${DELIVERY_AGENT_CONFIG_DIR:-/etc/delivery-agent}"
STATE_DIR="${DELIVERY_AGENT_STATE_DIR:-/var/lib/delivery-agent}"
# Where the public port listens; tests keep everything on loopback.
BIND_ADDRESS="${DELIVERY_AGENT_BIND_ADDRESS:-0.0.0.0}"
HEALTH_TIMEOUT="${DELIVERY_AGENT_HEALTH_TIMEOUT:-60}"
# Seconds the old release gets to finish its requests on SIGTERM before it is killed.
STOP_TIMEOUT="${DELIVERY_AGENT_STOP_TIMEOUT:-10}"

SERVICE=""

log() {
  printf '%s deploy-agent[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SERVICE:-}" "$*" >&2
}

die() {
  log "error: $*"
  exit 1
}

usage() {
  echo "usage: deploy-agent deploy|rollback|status <service>" >&2
  exit 2
}

load_config() {
  SERVICE="$1"
  [[ "$SERVICE" =~ ^[a-z][a-z0-9-]*$ ]] || die "service name must be a slug, got '$SERVICE'"
  local file="$CONFIG_DIR/$SERVICE.env"
  [[ -r "$file" ]] || die "no settings for $SERVICE ($file): is it a service of this environment?"
  # shellcheck source=/dev/null
  source "$file"
  : "${RELEASE_PARAMETER:?missing in $file}" "${CONTAINER_PORT:?missing in $file}"
  : "${PUBLIC_PORT:?missing in $file}" "${SPARE_PORT:?missing in $file}" "${HEALTH_PATH:?missing in $file}"
  : "${NOTHING_RELEASED:?missing in $file}"
  if [[ -n "${DOCKER_CONFIG_DIR:-}" ]]; then
    export DOCKER_CONFIG="$DOCKER_CONFIG_DIR"
  fi
  SERVICE_STATE="$STATE_DIR/$SERVICE"
  mkdir -p "$SERVICE_STATE"
}

aws_region_args() {
  if [[ -n "${AWS_REGION:-}" ]]; then
    printf '%s\n' --region "$AWS_REGION"
  fi
}

read_release_parameter() {
  local region_args
  mapfile -t region_args < <(aws_region_args)
  aws ssm get-parameter "${region_args[@]}" --name "$RELEASE_PARAMETER" --query Parameter.Value --output text
}

write_release_parameter() {
  local region_args
  mapfile -t region_args < <(aws_region_args)
  aws ssm put-parameter "${region_args[@]}" --name "$RELEASE_PARAMETER" --value "$1" --type String --overwrite >/dev/null
}

state() {
  local file="$SERVICE_STATE/$1"
  if [[ -f "$file" ]]; then cat "$file"; fi
}

set_state() {
  printf '%s\n' "$2" >"$SERVICE_STATE/$1.tmp"
  mv "$SERVICE_STATE/$1.tmp" "$SERVICE_STATE/$1"
}

is_running() {
  [[ "$(docker inspect --format '{{.State.Running}}' "$1" 2>/dev/null || true)" == "true" ]]
}

# The container's logs go to CloudWatch on a server; tests leave LOG_GROUP empty.
log_args() {
  if [[ -n "${LOG_GROUP:-}" ]]; then
    printf '%s\n' --log-driver awslogs --log-opt "awslogs-group=$LOG_GROUP" --log-opt "awslogs-region=${AWS_REGION:-}"
  fi
}

start_container() {
  local name="$1" publish="$2" image="$3" restart="$4" logging
  mapfile -t logging < <(log_args)
  docker run --detach --name "$name" --restart "$restart" --publish "$publish" \
    --label "delivery.service=$SERVICE" "${logging[@]}" "$image" >/dev/null
}

wait_healthy() {
  local name="$1" port="$2" deadline=$((SECONDS + HEALTH_TIMEOUT))
  while ((SECONDS < deadline)); do
    if curl --fail --silent --show-error --output /dev/null --max-time 2 "http://127.0.0.1:$port$HEALTH_PATH" 2>/dev/null; then
      return 0
    fi
    is_running "$name" || break
    sleep 1
  done
  log "health check http://127.0.0.1:$port$HEALTH_PATH did not pass within ${HEALTH_TIMEOUT}s; last output of $name:"
  docker logs --tail 20 "$name" >&2 2>&1 || true
  return 1
}

# Runs $1 on the public port, keeping whatever serves now until $1 is healthy.
switch_to() {
  local image="$1" candidate="$SERVICE-candidate" old="$SERVICE-old"
  log "pulling $image"
  docker pull --quiet "$image" >/dev/null || die "cannot pull $image"

  docker rm --force "$candidate" >/dev/null 2>&1 || true
  start_container "$candidate" "127.0.0.1:$SPARE_PORT:$CONTAINER_PORT" "$image" no
  if ! wait_healthy "$candidate" "$SPARE_PORT"; then
    docker rm --force "$candidate" >/dev/null 2>&1 || true
    die "$image failed its health check; the running release keeps serving"
  fi
  docker rm --force "$candidate" >/dev/null

  docker rm --force "$old" >/dev/null 2>&1 || true
  if docker inspect "$SERVICE" >/dev/null 2>&1; then
    docker stop --time "$STOP_TIMEOUT" "$SERVICE" >/dev/null
    docker rename "$SERVICE" "$old"
  fi
  start_container "$SERVICE" "$BIND_ADDRESS:$PUBLIC_PORT:$CONTAINER_PORT" "$image" unless-stopped
  if ! wait_healthy "$SERVICE" "$PUBLIC_PORT"; then
    docker rm --force "$SERVICE" >/dev/null 2>&1 || true
    if docker inspect "$old" >/dev/null 2>&1; then
      docker rename "$old" "$SERVICE"
      docker start "$SERVICE" >/dev/null
    fi
    die "$image failed its health check on port $PUBLIC_PORT; the previous release was restarted"
  fi
  docker rm --force "$old" >/dev/null 2>&1 || true
}

# Makes $1 the running release and records what ran before it.
deploy_image() {
  local image="$1" current
  current="$(state current)"
  if [[ "$image" == "$current" ]] && is_running "$SERVICE"; then
    log "$image is already running"
    return 0
  fi
  switch_to "$image"
  if [[ -n "$current" && "$current" != "$image" ]]; then
    set_state previous "$current"
  fi
  set_state current "$image"
  log "now serving $image"
}

cmd_deploy() {
  local image
  image="$(read_release_parameter)" || die "cannot read $RELEASE_PARAMETER"
  if [[ -z "$image" || "$image" == "$NOTHING_RELEASED" ]]; then
    log "nothing released yet ($RELEASE_PARAMETER = '$image')"
    return 0
  fi
  [[ "$image" == *@sha256:* ]] || die "$RELEASE_PARAMETER must name an image by digest (…@sha256:…), got '$image'"
  # If the new release fails, the old one keeps serving: point the parameter back at it, so a
  # reboot or a new server runs what is serving rather than the release that failed.
  # (A trap rather than `if ! deploy_image`: errexit stays in force inside the deploy.)
  SERVING_BEFORE="$(state current)"
  FAILED_CANDIDATE="$image"
  trap restore_parameter_on_failure EXIT
  deploy_image "$image"
  trap - EXIT
}

restore_parameter_on_failure() {
  local status=$?
  if [[ "$status" -ne 0 && -n "$SERVING_BEFORE" && "$SERVING_BEFORE" != "$FAILED_CANDIDATE" ]]; then
    if write_release_parameter "$SERVING_BEFORE"; then
      log "$RELEASE_PARAMETER points back at $SERVING_BEFORE"
    else
      log "could not point $RELEASE_PARAMETER back at $SERVING_BEFORE"
    fi
  fi
  exit "$status"
}

cmd_rollback() {
  local previous
  previous="$(state previous)"
  [[ -n "$previous" ]] || die "no previous release recorded in $SERVICE_STATE"
  deploy_image "$previous"
  # The parameter stays the source of truth: the next boot or deploy runs what rollback chose.
  write_release_parameter "$previous" || die "rolled back to $previous but could not update $RELEASE_PARAMETER"
  log "rolled back; $RELEASE_PARAMETER = $previous"
}

cmd_status() {
  printf 'current=%s\nprevious=%s\n' "$(state current)" "$(state previous)"
}

main() {
  [[ $# -eq 2 ]] || usage
  local command="$1"
  load_config "$2"
  case "$command" in
    deploy) cmd_deploy ;;
    rollback) cmd_rollback ;;
    status) cmd_status ;;
    *) usage ;;
  esac
}

main "$@"
