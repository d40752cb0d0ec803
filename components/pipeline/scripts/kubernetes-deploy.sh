#!/usr/bin/env bash
# Deploys (or rolls back to) one image by digest on the Kubernetes runtime: sets the Deployment's
# image, waits for the rollout, and on failure returns to the previous ReplicaSet.
#
# Env, besides kubernetes-lib.sh's:
#   SERVICE          the Deployment and its container (named after the service)
#   REGISTRY_URL     the service's ECR repository URL: the only registry an image may come from
#   IMAGE_DIGEST     sha256:<64 hex> to run (a build, a promotion, or a rollback's release)
#   VERSION          release name (v1.2.3, v1.2.3-rc.1, sha-<commit>): the rollout's change-cause
#   ROLLOUT_TIMEOUT  how long the new pods may take to become ready (kubectl duration, e.g. 5m)
#   ACTION           deploy | rollback (only changes what the log says)
# Exit: 0 when the new ReplicaSet is fully ready; 1 when it was undone (the old one serves) or
# when nothing could be changed.
set -euo pipefail
# shellcheck source=kubernetes-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/kubernetes-lib.sh"

if [[ ! "$IMAGE_DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "::error::IMAGE_DIGEST $IMAGE_DIGEST is not sha256:<64 hex>: refusing to run an image by tag"
  exit 1
fi
image="${REGISTRY_URL}@${IMAGE_DIGEST}"
kube_setup

deployment="deployment/$SERVICE"
previous="$(kubectl get "$deployment" -o "jsonpath={.spec.template.spec.containers[?(@.name==\"$SERVICE\")].image}")"
if [[ "$previous" == "$image" ]]; then
  echo "$SERVICE in $KUBE_NAMESPACE already runs $image ($VERSION): waiting for it to be ready"
else
  echo "$ACTION $SERVICE in $KUBE_NAMESPACE: $previous -> $image ($VERSION)"
  kubectl set image "$deployment" "$SERVICE=$image"
  kubectl annotate "$deployment" --overwrite "kubernetes.io/change-cause=$ACTION $VERSION ($image)"
fi

if kubectl rollout status "$deployment" --timeout="$ROLLOUT_TIMEOUT"; then
  echo "$SERVICE in $KUBE_NAMESPACE runs $VERSION ($image)"
  echo "to undo: run the rollback workflow with the previous version, or kubectl rollout undo $deployment -n $KUBE_NAMESPACE"
  exit 0
fi

echo "::error::$VERSION did not become ready within $ROLLOUT_TIMEOUT: returning $SERVICE to the previous ReplicaSet"
kubectl get pods --selector "app.kubernetes.io/name=$SERVICE" -o wide || true
if [[ "$previous" != "$image" ]]; then
  kubectl rollout undo "$deployment"
  if kubectl rollout status "$deployment" --timeout="$ROLLOUT_TIMEOUT"; then
    echo "::error::$SERVICE in $KUBE_NAMESPACE is back on $previous; $VERSION is not deployed"
  else
    echo "::error::$SERVICE in $KUBE_NAMESPACE did not become ready after the undo either: look at its pods"
  fi
fi
exit 1
