#!/usr/bin/env bash
# The strongest check of the Kubernetes runtime this machine can run: a real kube-apiserver (built
# from k8s.io/kubernetes through the Go module proxy) on Debian's etcd, loopback only. It applies
# every object of the offline plan of examples/kubernetes.yaml (plus one preview per service)
# server-side with strict field validation, creates the Deployment's pod template as a Pod (dry
# run) under the namespace's Pod Security "restricted" enforcement, and asks the real RBAC
# authorizer what CI's identities may do. Exits non-zero on any difference.
#
# Not part of `npm test`: building kube-apiserver takes 15-30 minutes of CPU. Needs go, kubectl,
# openssl and etcd (apt-get install etcd-server).
#
# Usage: bash scripts/kubernetes-apiserver-check.sh
# Env:   KUBE_VERSION (default 1.34.2), KUBE_APISERVER (a built binary; default: build into
#        ~/.cache/delivery-workflow/kube-apiserver-<version>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${KUBE_VERSION:-1.34.2}"
apiserver="${KUBE_APISERVER:-$HOME/.cache/delivery-workflow/kube-apiserver-$version}"
for tool in go kubectl openssl etcd; do
  command -v "$tool" > /dev/null || { echo "kubernetes-apiserver-check: $tool is required" >&2; exit 2; }
done

if [[ ! -x "$apiserver" ]]; then
  build="$(mktemp -d)"
  echo "building kube-apiserver v$version in $build (niced; takes a while)"
  gomod="$(go mod download -json "k8s.io/kubernetes@v$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')"
  {
    echo "module apiserverbuild"
    echo "go $(awk '/^go /{print $2; exit}' "$gomod")"
    echo "require k8s.io/kubernetes v$version"
    # k8s.io/kubernetes replaces its staging modules with local paths; use their published v0.x.
    grep -oE 'k8s.io/[a-z0-9-]+ => ./staging/src/k8s.io/[a-z0-9-]+' "$gomod" \
      | awk -v v="0.${version#1.}" '{print "replace " $1 " => " $1 " v" v}'
  } > "$build/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' > "$build/tools.go"
  (cd "$build" && { go mod tidy -e > /dev/null 2>&1 || true; })
  mkdir -p "$(dirname "$apiserver")"
  (cd "$build" && nice -n 19 go build -o "$apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
  rm -rf "$build"
fi

work="$(mktemp -d)"
cleanup() {
  [[ -n "${api_pid:-}" ]] && kill "$api_pid" 2> /dev/null
  [[ -n "${etcd_pid:-}" ]] && kill "$etcd_pid" 2> /dev/null
  wait 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && npx ts-node --transpile-only plan/cli.ts --team-file examples/kubernetes.yaml --all --json "$work/plan.json" > /dev/null)
(cd "$root" && npx ts-node --transpile-only scripts/kubernetes-objects.ts "$work/plan.json" "$work/objects.yaml")

etcd --data-dir "$work/etcd" --listen-client-urls http://127.0.0.1:23790 \
  --advertise-client-urls http://127.0.0.1:23790 --listen-peer-urls http://127.0.0.1:23800 > "$work/etcd.log" 2>&1 &
etcd_pid=$!
openssl genrsa -out "$work/sa.key" 2048 2> /dev/null
openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2> /dev/null
{
  echo "admintoken,admin,admin,system:masters"
  # What an EKS access entry makes of a preview role: a user in the previews deployer group.
  echo 'previewtoken,preview-ci,preview-ci,"delivery-workflow:checkout-previews:deployers"'
  echo 'stagingtoken,staging-ci,staging-ci,"delivery-workflow:checkout-staging:deployers"'
} > "$work/tokens.csv"
"$apiserver" --etcd-servers=http://127.0.0.1:23790 --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
  --secure-port=16443 --cert-dir="$work/certs" --token-auth-file="$work/tokens.csv" \
  --authorization-mode=RBAC --service-cluster-ip-range=10.96.0.0/16 \
  --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$work/sa.pub" \
  --service-account-signing-key-file="$work/sa.key" > "$work/apiserver.log" 2>&1 &
api_pid=$!
export KUBECONFIG="$work/kubeconfig"
kubectl config set-cluster local --server=https://127.0.0.1:16443 --insecure-skip-tls-verify=true > /dev/null
kubectl config set-credentials admin --token=admintoken > /dev/null
kubectl config set-context local --cluster=local --user=admin > /dev/null
kubectl config use-context local > /dev/null
for _ in $(seq 1 120); do kubectl get --raw /readyz > /dev/null 2>&1 && break; sleep 1; done

failures=0
echo "== server-side apply of $(grep -c '^kind:' "$work/objects.yaml") objects, strict field validation"
kubectl apply --server-side --field-manager=check --validate=strict -f "$work/objects.yaml" > "$work/apply.log"
echo "applied: $(wc -l < "$work/apply.log")"

echo "== RBAC, asked of the real authorizer"
expect() {
  local want="$1"
  shift
  local got
  got="$(kubectl auth can-i "$@" 2> /dev/null || true)"
  printf '%-4s %s\n' "$got" "$*"
  [[ "$got" == "$want" ]] || { echo "   expected $want"; failures=$((failures + 1)); }
}
g=(--as ci --as-group delivery-workflow:checkout-staging:deployers)
expect yes patch deployment/cart-api -n checkout-staging "${g[@]}"
expect yes get deployment/payments-worker -n checkout-staging "${g[@]}"
expect yes watch deployments -n checkout-staging "${g[@]}"
expect yes list replicasets -n checkout-staging "${g[@]}"
expect yes list pods -n checkout-staging "${g[@]}"
expect no patch deployment/other -n checkout-staging "${g[@]}"
expect no create deployments -n checkout-staging "${g[@]}"
expect no delete deployment/cart-api -n checkout-staging "${g[@]}"
expect no get secrets -n checkout-staging "${g[@]}"
expect no get secret/cart-api -n checkout-staging "${g[@]}"
expect no create pods/exec -n checkout-staging "${g[@]}"
expect no patch deployment/cart-api -n checkout-production "${g[@]}"
expect no patch deployment/coredns -n kube-system "${g[@]}"
p=(--as ci --as-group delivery-workflow:checkout-previews:deployers)
expect yes create deployments -n checkout-previews "${p[@]}"
expect yes delete ingresses -n checkout-previews "${p[@]}"
expect no get secrets -n checkout-previews "${p[@]}"
expect no create deployments -n checkout-staging "${p[@]}"

echo "== the Deployment's pod template as a Pod, under Pod Security restricted (dry run)"
kubectl get deployment cart-api -n checkout-production -o json \
  | python3 -c 'import json,sys; t=json.load(sys.stdin)["spec"]["template"]; print(json.dumps({"apiVersion":"v1","kind":"Pod","metadata":{"name":"template-check","namespace":"checkout-production","labels":t["metadata"]["labels"]},"spec":t["spec"]}))' \
  | kubectl create --dry-run=server -f - -o name || failures=$((failures + 1))
kubectl create serviceaccount default -n checkout-production > /dev/null
if kubectl run root-pod --image=x -n checkout-production --dry-run=server -o name > "$work/root.log" 2>&1; then
  echo "a pod without the restricted settings was admitted"
  failures=$((failures + 1))
else
  echo "refused as expected: $(tail -c 160 "$work/root.log")"
fi

echo "== the preview step (kubernetes-preview.sh, as preview.yml runs it) as the preview deployer"
# No controller-manager runs here: a Deployment never rolls out, so each deploy ends "failed"
# after the short rollout timeout, with its objects applied. The limit, removal and sweep are
# decided on what the API server holds.
for action in deploy remove sweep; do
  (cd "$root" && npx ts-node --transpile-only scripts/kubernetes-preview-step.ts examples/kubernetes.yaml cart-api "$action") > "$work/step-$action.json"
  jq -r .run "$work/step-$action.json" > "$work/step-$action.sh"
done
registry="123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api"
preview_step() { # <action> <pr> [VAR=value…]: prints the step's outputs
  local action="$1" pr="$2"
  shift 2
  local out="$work/out-$action-$pr"
  : > "$out"
  local fixed
  # The step's env as generated, except what GitHub would fill in (set below).
  mapfile -t fixed < <(jq -r '.env | to_entries[] | select(.key != "PREVIEW_MANIFESTS")
    | select(.value | contains("${{") | not) | "\(.key)=\(.value)"' "$work/step-$action.json")
  env -i PATH="$PATH" HOME="$HOME" RUNNER_TEMP="$work" GITHUB_OUTPUT="$out" "${fixed[@]}" \
    PREVIEW_MANIFESTS="$(jq -r '.env.PREVIEW_MANIFESTS // ""' "$work/step-$action.json")" \
    PR_NUMBER="$pr" IMAGE="$registry@sha256:$(printf 'ab%.0s' $(seq 32))" REGISTRY_URL="$registry" \
    KUBE_NAMESPACE=checkout-previews KUBE_API_SERVER=https://127.0.0.1:16443 \
    KUBE_CA_DATA="$(base64 -w0 "$work/certs/apiserver.crt")" KUBE_TOKEN=previewtoken EKS_CLUSTER_NAME= \
    ROLLOUT_TIMEOUT=2s "$@" bash "$work/step-$action.sh" > "$work/log-$action-$pr" 2>&1 || true
  tr '\n' ' ' < "$out"
}
check() { # <description> <want (grep -E)> <got>
  if grep -Eq "$2" <<<"$3"; then echo "ok   $1"; else echo "FAIL $1: $3"; failures=$((failures + 1)); fi
}
previews_of() { kubectl get "$1" -n checkout-previews -l "app.kubernetes.io/name=cart-api,delivery-workflow/preview" -o name | sort | tr '\n' ' '; }
kubectl delete deployments,services,ingresses,configmaps -n checkout-previews -l delivery-workflow/preview > /dev/null
for pr in 42 43 44; do
  check "deploy pr-$pr: applied as the preview deployer, not rolled out (no controllers)" \
    "outcome=failed .*did not become ready within 2s" "$(preview_step deploy "$pr")"
done
check "the step applied pr-42's objects server-side" \
  "configmap/pr-42-cart-api serverside-applied" "$(cat "$work/log-deploy-42")"
check "the staging deployer's identity cannot deploy a preview (RBAC refuses it in the previews namespace)" \
  "outcome=failed" "$(preview_step deploy 46 KUBE_TOKEN=stagingtoken)"
check "... and was refused by the API server, not by the script" "forbidden" "$(cat "$work/log-deploy-46")"
check "the three previews' objects exist, labelled" \
  "deployment.apps/pr-42-cart-api deployment.apps/pr-43-cart-api deployment.apps/pr-44-cart-api" "$(previews_of deployments)"
check "every kind applied" "configmap/pr-42-cart-api" "$(previews_of configmaps)"
check "a fourth preview is refused at the limit (3)" "outcome=limit .*#42, #43, #44" "$(preview_step deploy 45)"
check "an open preview is still updated at the limit" "outcome=failed .*pr-43-cart-api did not become ready" "$(preview_step deploy 43)"
check "remove pr-42 deletes it by label" "outcome=removed" "$(preview_step remove 42)"
check "pr-42 is gone, every kind" "^deployment.apps/pr-43-cart-api deployment.apps/pr-44-cart-api $" "$(previews_of deployments)"
check "pr-42's ConfigMap is gone too" "^configmap/pr-43-cart-api configmap/pr-44-cart-api $" "$(previews_of configmaps)"
kubectl annotate deployment pr-44-cart-api -n checkout-previews --overwrite delivery-workflow/expires-at=2020-01-01T00:00:00Z > /dev/null
check "the sweep removes only the expired preview" "outcome=swept .*1 expired" "$(preview_step sweep "")"
check "pr-43 remains, pr-44 swept" "^deployment.apps/pr-43-cart-api $" "$(previews_of deployments)"
check "the preview deployer cannot read the namespace's Secrets" "^no$" \
  "$(kubectl auth can-i get secrets -n checkout-previews --token=previewtoken 2> /dev/null || true)"

echo "$failures failures"
[[ "$failures" -eq 0 ]]
