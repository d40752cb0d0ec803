/**
 * examples/kubernetes.yaml through the real program and the offline plan: integration on a
 * server, staging and production on an existing EKS cluster, previews on the cluster. Every
 * Kubernetes object the program registers is validated against the Kubernetes OpenAPI schemas
 * (kubernetes-models), no mandatory policy is violated, the cluster costs us nothing, and CI's
 * GitHub environment gets what the deploy step needs. A second plan puts production on a cluster
 * reached by a kubeconfig secret.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { byType, planStacks, type PlannedResource, type StackPlan } from "./harness";
import { REPO_ROOT } from "./fixtures";

const team = (): any => parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "kubernetes.yaml"), "utf8"));

function validateObjects(objects: readonly unknown[]): (string | null)[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, "kubernetes-validate.mjs")], {
    input: JSON.stringify(objects),
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out);
}

const kubeObjects = (plan: StackPlan) =>
  plan.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
const envVar = (plan: StackPlan, name: string) =>
  byType(plan, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable").filter(
    (r) => r.inputs.variableName === name,
  );
const envSecret = (plan: StackPlan, name: string) =>
  byType(plan, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").filter(
    (r) => r.inputs.secretName === name,
  );

describe("examples/kubernetes.yaml, planned offline", () => {
  let plans: StackPlan[];
  const stack = (name: string) => plans.find((p) => p.stack === name)!;

  beforeAll(async () => {
    plans = await planStacks({ stacks: ["shared", "integration", "staging", "production"], team: team() });
  });

  it("has no mandatory policy violation in any stack", () => {
    const mandatory = plans.flatMap((p) => p.policy.violations.filter((v) => v.level === "mandatory"));
    expect(mandatory).toEqual([]);
  });

  it("integration stays a server; staging and production are namespaces on the cluster", () => {
    expect(byType(stack("integration"), "aws:ec2/instance:Instance")).toHaveLength(1);
    expect(kubeObjects(stack("integration"))).toEqual([]);
    for (const name of ["staging", "production"]) {
      expect(byType(stack(name), "aws:ec2/instance:Instance")).toEqual([]);
      const namespaces = byType(stack(name), "kubernetes:core/v1:Namespace").map(
        (r) => (r.inputs.metadata as any).name,
      );
      expect(namespaces).toContain(`checkout-${name}`);
    }
    expect(
      byType(stack("staging"), "kubernetes:core/v1:Namespace").map((r) => (r.inputs.metadata as any).name),
    ).toEqual(["checkout-staging", "checkout-previews"]);
    expect(byType(stack("production"), "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toHaveLength(1);
  });

  it("every Kubernetes object the program registers passes the Kubernetes OpenAPI schema", () => {
    const objects = plans.flatMap(kubeObjects);
    expect(objects.length).toBeGreaterThan(40);
    // Secrets show as "[secret]" in a plan: validate their shape with a stand-in value.
    const bodies = objects.map((r) => {
      const body: any = structuredClone(r.inputs);
      if (body.kind === "Secret" && body.stringData === "[secret]") body.stringData = { KEY: "value" };
      return body;
    });
    const failures = validateObjects(bodies)
      .map((e, i) => (e ? `${objects[i].name}: ${e}` : null))
      .filter(Boolean);
    expect(failures).toEqual([]);
  });

  it("every Kubernetes object uses the environment's explicit provider, under its component", () => {
    for (const name of ["staging", "production"]) {
      const plan = stack(name);
      const [provider] = byType(plan, "pulumi:providers:kubernetes");
      expect(provider.inputs.kubeconfig).toBe("[secret]");
      for (const r of kubeObjects(plan)) {
        expect([r.name, r.provider]).toEqual([r.name, provider.urn]);
        expect(r.parent).toMatch(/delivery:kubernetes:/);
      }
      const deployments = byType(plan, "kubernetes:apps/v1:Deployment");
      expect(deployments.map((d) => d.ignoreChanges)).toEqual(
        deployments.map(() => ["spec.template.spec.containers[0].image"]),
      );
      // A namespaced object is created after its namespace.
      for (const r of kubeObjects(plan).filter((r) => r.type !== "kubernetes:core/v1:Namespace")) {
        expect([r.name, r.dependsOn.length]).toEqual([r.name, 1]);
      }
    }
  });

  it("CI's deploy role reaches the cluster through an access entry in the namespace's deployer group", () => {
    const [entry] = byType(stack("staging"), "aws:eks/accessEntry:AccessEntry") as PlannedResource[];
    const [role] = byType(stack("staging"), "aws:iam/role:Role").filter((r) => r.name.includes("deploy"));
    expect(entry.inputs).toMatchObject({
      clusterName: "acme-shared",
      type: "STANDARD",
      kubernetesGroups: ["delivery-workflow:checkout-staging:deployers"],
    });
    expect(String(entry.inputs.principalArn)).toMatch(/^arn:aws:iam::123456789012:role\//);
    expect(role).toBeDefined();
    const [binding] = byType(stack("staging"), "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter(
      (r) => (r.inputs.metadata as any).namespace === "checkout-staging",
    );
    expect(binding.inputs.subjects).toEqual([
      {
        kind: "Group",
        name: "delivery-workflow:checkout-staging:deployers",
        apiGroup: "rbac.authorization.k8s.io",
      },
    ]);
    // No access policy: EKS's policies grant more than patching Deployments.
    expect(byType(stack("staging"), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")).toEqual([]);
  });

  it("the GitHub environment carries the cluster's variables; on EKS no token secret", () => {
    const plan = stack("production");
    expect(envVar(plan, "KUBE_NAMESPACE").map((r) => r.inputs.value)).toEqual([
      "checkout-production",
      "checkout-production",
    ]);
    expect(envVar(plan, "EKS_CLUSTER_NAME").map((r) => r.inputs.value)).toEqual([
      "acme-shared",
      "acme-shared",
    ]);
    expect(String(envVar(plan, "KUBE_API_SERVER")[0].inputs.value)).toMatch(
      /^https:\/\/.*\.eks\.amazonaws\.com$/,
    );
    expect(envVar(plan, "KUBE_CA_DATA")).toHaveLength(2);
    expect(
      envVar(plan, "PUBLIC_URL")
        .map((r) => r.inputs.value)
        .sort(),
    ).toEqual([
      "https://cart-api.checkout.acme-shop.example",
      "https://payments-worker.checkout.acme-shop.example",
    ]);
    expect(envSecret(plan, "KUBE_TOKEN")).toEqual([]);
    expect(envVar(plan, "SERVER_INSTANCE_IDS")).toEqual([]);
    expect(envVar(stack("integration"), "KUBE_NAMESPACE")).toEqual([]);
    expect(envVar(stack("integration"), "SERVER_INSTANCE_IDS")).toHaveLength(2);
  });

  it("the cost shows the cluster as existing: nothing of ours", () => {
    for (const name of ["staging", "production"]) {
      const cost = stack(name).cost;
      expect(cost.monthly).toBe(0);
      expect(cost.items).toEqual([
        expect.objectContaining({
          type: "pulumi:providers:kubernetes",
          monthly: 0,
          detail: expect.stringMatching(/existing Kubernetes cluster/),
        }),
      ]);
    }
    expect(stack("integration").cost.monthly).toBeGreaterThan(0);
  });
});

describe("a cluster reached by a kubeconfig secret", () => {
  const KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: onprem",
    "  cluster: {server: 'https://k8s.acme.internal:6443', certificate-authority-data: T05QUkVNQ0E=}",
    "contexts:",
    "- name: admin@onprem",
    "  context: {cluster: onprem, user: admin}",
    "current-context: admin@onprem",
    "users:",
    "- name: admin",
    "  user: {token: VERYSECRETADMINTOKEN}",
  ].join("\n");

  it("binds a ServiceAccount whose token becomes the KUBE_TOKEN environment secret; the kubeconfig never shows", async () => {
    const spec = team();
    spec.environments[2].domain = "acme.internal";
    spec.environments[2].kubernetes = {
      kubeconfig: "kubeconfig",
      architecture: "arm64",
    };
    const plans = await planStacks({
      stacks: ["production"],
      team: spec,
      config: { production: { kubeconfig: KUBECONFIG } },
    });
    const plan = plans.find((p) => p.stack === "production")!;
    expect(JSON.stringify(plan)).not.toContain("VERYSECRETADMINTOKEN");
    expect(byType(plan, "aws:eks/accessEntry:AccessEntry")).toEqual([]);
    const [tokenSecret] = byType(plan, "kubernetes:core/v1:Secret").filter(
      (r) => r.inputs.type === "kubernetes.io/service-account-token",
    );
    expect((tokenSecret.inputs.metadata as any).annotations).toEqual({
      "kubernetes.io/service-account.name": "ci-deployer",
    });
    const [binding] = byType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
    expect(binding.inputs.subjects).toEqual([
      { kind: "ServiceAccount", name: "ci-deployer", namespace: "checkout-production" },
    ]);
    expect(envSecret(plan, "KUBE_TOKEN").map((r) => r.inputs.value)).toEqual(["[secret]", "[secret]"]);
    expect(envVar(plan, "KUBE_API_SERVER").map((r) => r.inputs.value)).toEqual([
      "https://k8s.acme.internal:6443",
      "https://k8s.acme.internal:6443",
    ]);
    expect(envVar(plan, "EKS_CLUSTER_NAME")).toEqual([]);
  });

  it("a missing kubeconfig secret is a config error naming the key", async () => {
    const spec = team();
    spec.environments[2].domain = "acme.internal";
    spec.environments[2].kubernetes = {
      kubeconfig: "prodKubeconfig",
      architecture: "arm64",
    };
    const err = await planStacks({ stacks: ["production"], team: spec }).catch((e) => e);
    expect(String(err)).toMatch(/delivery-workflow:prodKubeconfig: is required/);
  });
});
