#!/usr/bin/env bash
# Deploys, removes or sweeps one service's pull-request previews in the cluster's previews
# namespace (the Kubernetes runtime's counterpart of preview-command.sh and the preview agent).
#
# Env, besides kubernetes-lib.sh's (KUBE_NAMESPACE is the previews namespace):
#   ACTION               deploy | remove | sweep
#   SERVICE              the service (label app.kubernetes.io/name of its previews' objects)
#   PR_NUMBER            the pull request (deploy, remove); empty for sweep
#   IMAGE                deploy: <REGISTRY_URL>@sha256:<64 hex>, the pull request's build
#   REGISTRY_URL         the service's ECR repository URL: the only registry a preview may run from
#   PREVIEW_MANIFESTS    deploy: a JSON array of the preview's objects, rendered when the workflow
#                        was generated (components/kubernetes/previews.ts previewTemplate), with
#                        __PR_NUMBER__, __IMAGE__ and __EXPIRES_AT__ in place of those values
#   PREVIEW_TYPES        remove, sweep: comma-separated resource types of those objects
#                        (configmap,deployment.apps,…): what removing a preview deletes by label
#   PREVIEW_LIMIT        previews of this service at most (team.previews.maxPerService)
#   TTL_HOURS            an idle preview expires this long after its last deploy (ttlDays × 24)
#   ROLLOUT_TIMEOUT      how long the preview's pod may take to become ready (kubectl duration)
#   GITHUB_OUTPUT        the step's outputs file
# Outputs: outcome (deployed | limit | removed | swept | failed), url (deploy), message.
# Exit: 0 when the action was done or the limit refused a new preview (the workflow's next step
# fails the job then, after the pull request was told); 1 when it failed.
set -euo pipefail
# shellcheck source=kubernetes-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/kubernetes-lib.sh"

readonly PREVIEW_LABEL="delivery-workflow/preview"
readonly EXPIRES_AT="delivery-workflow/expires-at"

outcome=failed
url=""
message="preview $ACTION of $SERVICE failed (see the job's log)"
write_outputs() {
  {
    echo "outcome=$outcome"
    echo "url=$url"
    echo "message=$message"
  } >>"$GITHUB_OUTPUT"
  echo "outcome: $outcome${url:+ at $url}${message:+: $message}"
}
trap write_outputs EXIT

fail() {
  message="$1"
  echo "::error::$1"
  exit 1
}

# The pull-request numbers that have a preview Deployment of this service, one per line.
previews_of_service() {
  kubectl get deployments.apps --selector "app.kubernetes.io/name=$SERVICE,$PREVIEW_LABEL" -o json |
    jq -r --arg key "$PREVIEW_LABEL" '.items[].metadata.labels[$key]'
}

remove_preview() {
  kubectl delete "${PREVIEW_TYPES:?PREVIEW_TYPES is not set (the remove and sweep steps carry it)}" --selector "app.kubernetes.io/name=$SERVICE,$PREVIEW_LABEL=$1" \
    --ignore-not-found --wait=false
}

case "$ACTION" in
  deploy | remove)
    [[ "$PR_NUMBER" =~ ^[1-9][0-9]{0,6}$ ]] || fail "PR_NUMBER '$PR_NUMBER' is not a pull request number"
    ;;
  sweep) ;;
  *) fail "ACTION '$ACTION' is not deploy, remove or sweep" ;;
esac

kube_setup

case "$ACTION" in
  deploy)
    if [[ ! "$IMAGE" =~ ^(.+)@sha256:[0-9a-f]{64}$ || "${BASH_REMATCH[1]}" != "$REGISTRY_URL" ]]; then
      fail "IMAGE '$IMAGE' is not $REGISTRY_URL@sha256:<digest>: a preview runs only the service's own build, by digest"
    fi
    # The limit: an open preview is always updated; a new one only below it. Two pull requests
    # opened at the same moment can both pass this check: the namespace's ResourceQuota (pods for
    # the limit of every service) is the fence the API server enforces.
    listed="$(previews_of_service)"
    read -r -a open <<<"${listed//$'\n'/ }"
    if [[ ! " ${open[*]} " =~ \ $PR_NUMBER\  ]] && ((${#open[@]} >= PREVIEW_LIMIT)); then
      printf -v numbers '#%s, ' "${open[@]}"
      outcome=limit
      # The words of previewAdmission (components/kubernetes/previews.ts), which the tests compare.
      message="preview limit reached: $SERVICE already has ${#open[@]} previews (the limit is $PREVIEW_LIMIT: ${numbers%, }); close one of them or wait for the sweep"
      exit 0
    fi
    expires="$(date -u -d "+${TTL_HOURS} hours" +%Y-%m-%dT%H:%M:%SZ)"
    manifests="$(jq -c --arg pr "$PR_NUMBER" --arg image "$IMAGE" --arg expires "$expires" '
      {apiVersion: "v1", kind: "List", items: .}
      | walk(if type == "string"
             then gsub("__PR_NUMBER__"; $pr) | gsub("__IMAGE__"; $image) | gsub("__EXPIRES_AT__"; $expires)
             else . end)' <<<"${PREVIEW_MANIFESTS:?PREVIEW_MANIFESTS is not set (the deploy step carries it)}")"
    name="pr-$PR_NUMBER-$SERVICE"
    echo "deploy $name in $KUBE_NAMESPACE: $IMAGE (expires $expires unless pushed again)"
    kubectl apply --server-side --field-manager=delivery-workflow-preview -f - <<<"$manifests"
    if ! kubectl rollout status "deployment.apps/$name" --timeout="$ROLLOUT_TIMEOUT"; then
      kubectl get pods --selector "app.kubernetes.io/name=$SERVICE,$PREVIEW_LABEL=$PR_NUMBER" -o wide || true
      fail "$name did not become ready within $ROLLOUT_TIMEOUT (it stays until the next push, the close or the sweep)"
    fi
    host="$(jq -r '[.items[] | select(.kind == "Ingress") | .spec.rules[0].host][0] // ""' <<<"$manifests")"
    if [[ -n "$host" ]]; then url="https://$host/"; fi
    outcome=deployed
    message=""
    echo "url=$url"
    ;;
  remove)
    remove_preview "$PR_NUMBER"
    outcome=removed
    message=""
    ;;
  sweep)
    now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    # Expiry times are all ISO 8601 UTC to the second: as strings they sort as times.
    listed="$(
      kubectl get deployments.apps --selector "app.kubernetes.io/name=$SERVICE,$PREVIEW_LABEL" -o json |
        jq -r --arg key "$PREVIEW_LABEL" --arg at "$EXPIRES_AT" --arg now "$now" \
          '.items[] | select((.metadata.annotations[$at] // "") as $e | $e != "" and $e <= $now)
             | .metadata.labels[$key]'
    )"
    read -r -a expired <<<"${listed//$'\n'/ }"
    for pr in "${expired[@]}"; do
      echo "pr-$pr-$SERVICE expired: removing it"
      remove_preview "$pr"
    done
    outcome=swept
    message="${#expired[@]} expired preview(s) of $SERVICE removed"
    ;;
esac
