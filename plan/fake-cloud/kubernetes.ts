/**
 * The fake Kubernetes cluster (and the EKS calls that reach one): the object types the Kubernetes
 * runtime creates get a uid and what the API server fills in, and the refusals of the real API
 * that are decidable offline are refusals here too. Anything else a cluster checks (admission,
 * quota at runtime, CRDs such as cert-manager's) is an assumption of the plan.
 */
import type { CallFake, FakeContext, FakeTables, ResourceFake } from "./types";

/** Object names: DNS-1123 labels for namespaces and Services, subdomains for the rest. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const NAMESPACED = new Set([
  "core/v1:ResourceQuota",
  "core/v1:ServiceAccount",
  "core/v1:ConfigMap",
  "core/v1:Secret",
  "core/v1:Service",
  "apps/v1:Deployment",
  "networking.k8s.io/v1:Ingress",
  "networking.k8s.io/v1:NetworkPolicy",
  "policy/v1:PodDisruptionBudget",
  "autoscaling/v2:HorizontalPodAutoscaler",
  "rbac.authorization.k8s.io/v1:Role",
  "rbac.authorization.k8s.io/v1:RoleBinding",
]);
const TYPES = ["core/v1:Namespace", ...NAMESPACED];

function refuse(ctx: FakeContext, why: string): never {
  throw new Error(`offline plan: the Kubernetes API would refuse ${ctx.urn}: ${why}`);
}

/**
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ — and the provider
 * sends what it is given: a missing namespace lands in the kubeconfig's default namespace, which is
 * never what a namespaced object of ours means.
 */
const object =
  (type: string): ResourceFake =>
  (inputs, ctx) => {
    const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
    const name = metadata.name;
    const kind = type.split(":")[1];
    const label = kind === "Namespace" || kind === "Service";
    if (!name) refuse(ctx, "metadata.name is not set (auto-naming would hide which object is which)");
    if (name.length > (label ? 63 : 253) || !(label ? DNS_LABEL : DNS_SUBDOMAIN).test(name)) {
      refuse(ctx, `metadata.name ${JSON.stringify(name)} is not a DNS-1123 ${label ? "label" : "subdomain"}`);
    }
    if (NAMESPACED.has(type) && !metadata.namespace)
      refuse(ctx, "a namespaced object without metadata.namespace");
    const uid = ctx.hex(32, "uid");
    const outputs: Record<string, unknown> = {
      metadata: {
        ...metadata,
        uid: `${uid.slice(0, 8)}-${uid.slice(8, 12)}-${uid.slice(12, 16)}-${uid.slice(16, 20)}-${uid.slice(20)}`,
        resourceVersion: ctx.digits(6, "rv"),
      },
    };
    // The token controller fills a service-account-token Secret in.
    if (kind === "Secret" && inputs.type === "kubernetes.io/service-account-token") {
      outputs.data = {
        token: Buffer.from(`offline-plan-token-${ctx.hex(16, "token")}`).toString("base64"),
        "ca.crt": Buffer.from(
          "-----BEGIN CERTIFICATE-----\noffline plan\n-----END CERTIFICATE-----\n",
        ).toString("base64"),
        namespace: Buffer.from(metadata.namespace ?? "").toString("base64"),
      };
    }
    return { id: metadata.namespace ? `${metadata.namespace}/${name}` : name, outputs };
  };

/** EKS: "You can't specify the same ARN in more than one access entry" (per cluster). */
const accessEntries = new Map<string, string>();

export const resources: Record<string, ResourceFake> = {
  ...Object.fromEntries(TYPES.map((t) => [`kubernetes:${t}`, object(t)])),
  "pulumi:providers:kubernetes": (_inputs, ctx) => ({ id: ctx.hex(32) }),
  // https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html
  "aws:eks/accessEntry:AccessEntry": (inputs, ctx) => {
    const groups = (inputs.kubernetesGroups ?? []) as string[];
    for (const g of groups) {
      if (g.startsWith("system:"))
        refuse(ctx, `kubernetesGroups ${JSON.stringify(g)}: EKS refuses system: groups`);
    }
    const key = `${ctx.stack}\u0000${inputs.clusterName}\u0000${inputs.principalArn}`;
    const owner = accessEntries.get(key);
    if (owner && owner !== ctx.urn) {
      throw new Error(
        `offline plan: EKS would refuse ${ctx.urn}: ${inputs.principalArn} already has an access entry on ${inputs.clusterName} (${owner})`,
      );
    }
    accessEntries.set(key, ctx.urn);
    return {
      id: `${inputs.clusterName}:${inputs.principalArn}`,
      outputs: {
        accessEntryArn: `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:access-entry/${inputs.clusterName}/role/${ctx.accountId}/${ctx.hex(8)}/${ctx.hex(36, "entry")}`,
        userName: String(inputs.principalArn),
        type: inputs.type ?? "STANDARD",
        createdAt: "2026-01-01T00:00:00Z",
        modifiedAt: "2026-01-01T00:00:00Z",
      },
    };
  },
};

export const calls: Record<string, CallFake> = {
  /**
   * An existing cluster: assumed to exist in the stack's account and region, with access entries
   * enabled (API_AND_CONFIG_MAP). A plan cannot see the cluster; `pulumi preview` can.
   */
  "aws:eks/getCluster:getCluster": (inputs, ctx) => ({
    id: inputs.name,
    name: inputs.name,
    arn: `arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:cluster/${inputs.name}`,
    endpoint: `https://${ctx.hex(32, "endpoint").toUpperCase()}.gr7.${ctx.region}.eks.amazonaws.com`,
    certificateAuthorities: [{ data: Buffer.from("offline plan CA").toString("base64") }],
    accessConfigs: [
      { authenticationMode: "API_AND_CONFIG_MAP", bootstrapClusterCreatorAdminPermissions: false },
    ],
    version: "1.33",
    status: "ACTIVE",
    platformVersion: "eks.1",
    roleArn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/eks-cluster`,
    vpcConfig: [{}],
    kubernetesNetworkConfigs: [{}],
    identities: [],
    tags: {},
  }),
};

export const kubernetes: FakeTables = { resources, calls };
