#!/usr/bin/env bash
# Shared by the Kubernetes deploy steps: a kubeconfig for this job only, scoped to one namespace.
#
# Env (GitHub environment variables and secrets the environment stack sets):
#   KUBE_API_SERVER   https URL of the cluster's API server
#   KUBE_CA_DATA      base64 PEM of the API server's CA
#   KUBE_NAMESPACE    the environment's namespace (CI may change only its Deployments)
#   EKS_CLUSTER_NAME  on EKS: the cluster; the token comes from `aws eks get-token` with the job's
#                     assumed deploy role (needs AWS_REGION and the AWS CLI)
#   KUBE_TOKEN        elsewhere: the namespace's ci-deployer ServiceAccount token
#   RUNNER_TEMP       where the kubeconfig is written (GitHub sets it; removed with the job)
# Sets KUBECONFIG for the caller.

kube_setup() {
  : "${KUBE_API_SERVER:?KUBE_API_SERVER is not set (environment variable of this GitHub environment)}"
  : "${KUBE_CA_DATA:?KUBE_CA_DATA is not set (environment variable of this GitHub environment)}"
  : "${KUBE_NAMESPACE:?KUBE_NAMESPACE is not set (environment variable of this GitHub environment)}"
  KUBECONFIG="${RUNNER_TEMP:-/tmp}/kubeconfig-$$"
  export KUBECONFIG
  (umask 077 && : > "$KUBECONFIG")
  local ca_file="${KUBECONFIG}.ca"
  printf '%s' "$KUBE_CA_DATA" | base64 -d > "$ca_file"
  kubectl config set-cluster target --server="$KUBE_API_SERVER" \
    --certificate-authority="$ca_file" --embed-certs=true > /dev/null
  rm -f "$ca_file"
  if [[ -n "${EKS_CLUSTER_NAME:-}" ]]; then
    kubectl config set-credentials ci --exec-api-version=client.authentication.k8s.io/v1beta1 \
      --exec-command=aws --exec-arg=eks --exec-arg=get-token \
      --exec-arg=--cluster-name --exec-arg="$EKS_CLUSTER_NAME" \
      --exec-arg=--region --exec-arg="${AWS_REGION:?AWS_REGION is not set}" > /dev/null
  elif [[ -n "${KUBE_TOKEN:-}" ]]; then
    kubectl config set-credentials ci --token="$KUBE_TOKEN" > /dev/null
  else
    echo "::error::neither EKS_CLUSTER_NAME nor KUBE_TOKEN is set: no way to authenticate to the cluster"
    return 1
  fi
  kubectl config set-context target --cluster=target --user=ci --namespace="$KUBE_NAMESPACE" > /dev/null
  kubectl config use-context target > /dev/null
}
