/**
 * Who may deploy, as data: a namespaced Role and its RoleBinding. CI may change the image of
 * its namespace's Deployments and watch the rollout; it cannot read Secrets, create anything,
 * or reach any other namespace (a Role grants nothing outside its own namespace).
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole
 */
import { LABELS, type KubeObject } from "./manifests";

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

export type Subject =
  | { readonly kind: "Group"; readonly name: string; readonly apiGroup: "rbac.authorization.k8s.io" }
  | { readonly kind: "ServiceAccount"; readonly name: string; readonly namespace: string };

/** Name of the Role, RoleBinding (and ServiceAccount, off EKS) CI deploys with. */
export const DEPLOYER = "ci-deployer";

/**
 * What `kubectl set image`, `kubectl rollout status` and `kubectl rollout undo` need:
 * get and patch the named Deployments; list and watch Deployments (status watches the one it
 * names); get and list ReplicaSets (undo finds the previous revision among them) and Pods (to
 * say why a rollout is stuck). RBAC cannot restrict list or watch by name, and a Role's
 * `resourceNames` never matches create, so the named rule is also the narrowest one possible.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
export function deployerRules(deployments: readonly string[]): PolicyRule[] {
  return [
    {
      apiGroups: ["apps"],
      resources: ["deployments"],
      verbs: ["get", "patch"],
      resourceNames: [...deployments],
    },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "watch"] },
    { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
  ];
}

/**
 * What a preview deploy and removal need in the previews namespace (scripts/kubernetes-preview.sh):
 * `kubectl apply --server-side` (get, create, patch) of the preview's Deployment, Service,
 * Ingress and ConfigMap; `rollout status` (watch the Deployment, list its ReplicaSets, pods when
 * stuck); `delete --selector` (list, then delete each). Still no Secrets: a preview gets no
 * secret settings, and cert-manager's TLS Secrets in the namespace stay out of reach.
 *
 * Per pull request the objects are named `pr-<n>-<service>` in one shared namespace, not a
 * namespace per pull request: creating namespaces is cluster-scoped, and RBAC cannot restrict
 * `create` by name (resourceNames never matches create), so the right to create `pr-42` would be
 * the right to create any namespace, `kube-system`'s neighbours included. No namespace rights.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
export function previewDeployerRules(): PolicyRule[] {
  const manage = ["get", "list", "watch", "create", "patch", "update", "delete"];
  return [
    { apiGroups: ["apps"], resources: ["deployments"], verbs: manage },
    { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["services", "configmaps"], verbs: manage },
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: manage },
  ];
}

export function roleManifest(
  namespace: string,
  name: string,
  rules: readonly PolicyRule[],
  labels: Readonly<Record<string, string>>,
): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name, namespace, labels: { ...labels } },
    rules: rules.map((r) => ({
      apiGroups: [...r.apiGroups],
      resources: [...r.resources],
      verbs: [...r.verbs],
      ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
    })),
  };
}

export function roleBindingManifest(
  namespace: string,
  name: string,
  subjects: readonly Subject[],
  labels: Readonly<Record<string, string>>,
): KubeObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name, namespace, labels: { ...labels } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: subjects.map((s) => ({ ...s })),
  };
}

/**
 * The Kubernetes group an EKS access entry puts CI's IAM role in. EKS refuses group names
 * starting with `system:` (those are Kubernetes' own); ours carry the namespace, so a binding in
 * one namespace never admits another's deployer.
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html
 */
export function deployerGroup(namespace: string): string {
  return `delivery-workflow:${namespace}:deployers`;
}

/** The deployer ServiceAccount (off EKS); no pod mounts its token. */
export function deployerServiceAccountManifest(
  namespace: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace, labels: { ...labels } },
    automountServiceAccountToken: false,
  };
}

/**
 * The token Secret of the deployer ServiceAccount (off EKS): the API server fills in `token` and
 * `ca.crt`; the stack hands the token to GitHub as an environment secret. A long-lived token is
 * what a CI outside the cluster can hold; it is scoped by the Role above and rotated by deleting
 * this Secret. https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
 */
export function serviceAccountTokenManifest(namespace: string, serviceAccount: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: `${serviceAccount}-token`,
      namespace,
      labels: { [LABELS.managedBy]: "pulumi" },
      annotations: { "kubernetes.io/service-account.name": serviceAccount },
    },
    type: "kubernetes.io/service-account-token",
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluating RBAC as data (the tests' table, and a reader's check of a plan).

export interface AccessRequest {
  readonly namespace: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly verb: string;
  readonly name?: string;
}

const matches = (allowed: readonly string[], value: string) =>
  allowed.includes("*") || allowed.includes(value);

/**
 * Whether `subject` may do `request`, given Roles and RoleBindings: Kubernetes' RBAC rules for
 * namespaced objects (a binding grants its Role's rules in the binding's namespace only; a rule
 * with resourceNames matches only requests that name one of them).
 */
export function allowed(objects: readonly KubeObject[], subject: Subject, request: AccessRequest): boolean {
  const roles = new Map(
    objects
      .filter((o) => o.kind === "Role")
      .map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.rules as PolicyRule[]]),
  );
  return objects
    .filter((o) => o.kind === "RoleBinding" && o.metadata.namespace === request.namespace)
    .filter((b) =>
      (b.subjects as Subject[]).some(
        (s) =>
          s.kind === subject.kind &&
          s.name === subject.name &&
          (s.kind !== "ServiceAccount" || s.namespace === (subject as { namespace: string }).namespace),
      ),
    )
    .flatMap((b) => roles.get(`${b.metadata.namespace}/${(b.roleRef as { name: string }).name}`) ?? [])
    .some(
      (r) =>
        matches(r.apiGroups, request.apiGroup) &&
        matches(r.resources, request.resource) &&
        matches(r.verbs, request.verb) &&
        (!r.resourceNames || (request.name !== undefined && r.resourceNames.includes(request.name))),
    );
}
