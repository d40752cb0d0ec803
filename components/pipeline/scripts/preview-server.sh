#!/usr/bin/env bash
# Starts, reads or stops previews' own server (team.previews.instanceType), which is stopped while
# no preview is open: idle it costs its root volume only.
# Env: PREVIEW_INSTANCE_IDS (space-separated), SERVER_ACTION (start | status | stop-if-idle),
#   GITHUB_OUTPUT; stop-if-idle: PREVIEWS_LEFT (previews of every service left on the server, as
#   the preview agent printed after a remove or sweep; empty when nothing ran, e.g. the server was
#   already stopped).
# Optional: ONLINE_TIMEOUT_SECONDS (default 600), POLL_SECONDS (default 5).
# Outputs: state (running | stopped | left-running).
#
# start: a stopping server is first let stop (StartInstances refuses an instance in the stopping
#   state: IncorrectInstanceState), then started; waits until EC2 reports it running and its SSM
#   agent is Online, or SendCommand would refuse it (InvalidInstanceId: not in a valid state).
# status: state=running when every instance runs; stopped otherwise (a stopped server holds no
#   preview: it is stopped only when none is left, so there is nothing to remove or sweep).
# stop-if-idle: stops the server when PREVIEWS_LEFT is 0. A preview deploy of another service
#   that starts in the seconds between the agent's count and the stop fails and says so; its next
#   push (or a re-run) starts the server again.
set -euo pipefail

read -r -a instances <<<"$PREVIEW_INSTANCE_IDS"
if [[ "${#instances[@]}" -eq 0 ]]; then
  echo "::error::PREVIEW_INSTANCE_IDS is empty: is the preview environment's stack deployed?"
  exit 1
fi

states() {
  aws ec2 describe-instances --instance-ids "${instances[@]}" \
    --query 'Reservations[].Instances[].State.Name' --output text
}

case "$SERVER_ACTION" in
  start)
    current="$(states)"
    echo "preview server ${instances[*]}: $current"
    if [[ "$current" == *stopping* ]]; then
      aws ec2 wait instance-stopped --instance-ids "${instances[@]}"
      current="$(states)"
    fi
    if [[ "$current" == *stopped* ]]; then
      aws ec2 start-instances --instance-ids "${instances[@]}" >/dev/null
      echo "starting ${instances[*]}"
    fi
    aws ec2 wait instance-running --instance-ids "${instances[@]}"
    deadline=$((SECONDS + ${ONLINE_TIMEOUT_SECONDS:-600}))
    ids="$(
      IFS=,
      echo "${instances[*]}"
    )"
    while true; do
      online="$(aws ssm describe-instance-information --filters "Key=InstanceIds,Values=$ids" \
        --query "length(InstanceInformationList[?PingStatus=='Online'])" --output text)"
      if [[ "$online" == "${#instances[@]}" ]]; then break; fi
      if ((SECONDS >= deadline)); then
        echo "::error::the preview server ${instances[*]} runs but its SSM agent is not online after ${ONLINE_TIMEOUT_SECONDS:-600}s"
        exit 1
      fi
      sleep "${POLL_SECONDS:-5}"
    done
    echo "preview server ${instances[*]} is running and online"
    echo "state=running" >>"$GITHUB_OUTPUT"
    ;;
  status)
    current="$(states)"
    echo "preview server ${instances[*]}: $current"
    state=running
    for s in $current; do
      if [[ "$s" != running ]]; then state=stopped; fi
    done
    echo "state=$state" >>"$GITHUB_OUTPUT"
    ;;
  stop-if-idle)
    left="${PREVIEWS_LEFT:-}"
    if [[ "$left" == "0" ]]; then
      aws ec2 stop-instances --instance-ids "${instances[@]}" >/dev/null
      echo "no preview is left: stopping ${instances[*]} (it costs its root volume only until the next preview)"
      echo "state=stopped" >>"$GITHUB_OUTPUT"
    else
      echo "previews left on ${instances[*]}: ${left:-unknown}; the server keeps running"
      echo "state=left-running" >>"$GITHUB_OUTPUT"
    fi
    ;;
  *)
    echo "::error::SERVER_ACTION must be start, status or stop-if-idle, got '$SERVER_ACTION'"
    exit 2
    ;;
esac
