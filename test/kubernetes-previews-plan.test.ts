/**
 * Previews on Kubernetes through the real program and the offline plan (examples/kubernetes.yaml:
 * previews on staging's EKS cluster): the preview role of each repository reaches the cluster
 * through an access entry into the previews namespace's deployer group; the `preview` GitHub
 * environment says how to reach the cluster and carries no server's document or instance ids;
 * nothing of the server preview path is planned anywhere. A second plan puts the previews on a
 * cluster reached by a kubeconfig: the preview deployer's token becomes the KUBE_TOKEN secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { byType, planStacks, type StackPlan } from "./harness";
import { REPO_ROOT } from "./fixtures";

const team = (): any => parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "kubernetes.yaml"), "utf8"));
const GITHUB_VARIABLE = "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable";
const GITHUB_SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
const previewVars = (plan: StackPlan, name: string) =>
  byType(plan, GITHUB_VARIABLE).filter(
    (r) => r.inputs.environment === "preview" && r.inputs.variableName === name,
  );
const previewSecrets = (plan: StackPlan, name: string) =>
  byType(plan, GITHUB_SECRET).filter(
    (r) => r.inputs.environment === "preview" && r.inputs.secretName === name,
  );

const meta = (r: { inputs: Record<string, unknown> }) => r.inputs.metadata as any;

describe("examples/kubernetes.yaml: previews on staging's EKS cluster, planned offline", () => {
  let plans: StackPlan[];
  const stack = (name: string) => plans.find((p) => p.stack === name)!;

  beforeAll(async () => {
    plans = await planStacks({ stacks: ["integration", "staging"], team: team() });
  });

  it("plans with no mandatory violation", () => {
    expect(plans.flatMap((p) => p.policy.violations.filter((v) => v.level === "mandatory"))).toEqual([]);
  });

  it("each repository's preview role enters the cluster only as the previews namespace's deployer group", () => {
    const staging = stack("staging");
    const roles = byType(staging, "aws:iam/role:Role").filter((r) =>
      String(r.inputs.name).endsWith(".cluster-preview"),
    );
    expect(roles.map((r) => r.inputs.name).sort()).toEqual([
      "checkout.cart-api.cluster-preview",
      "checkout.payments-worker.cluster-preview",
    ]);
    const entries = byType(staging, "aws:eks/accessEntry:AccessEntry").filter((e) =>
      String(e.inputs.principalArn).includes("cluster-preview"),
    );
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e.inputs).toMatchObject({
        clusterName: "acme-shared",
        type: "STANDARD",
        kubernetesGroups: ["delivery-workflow:checkout-previews:deployers"],
      });
    }
    const binding = byType(staging, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").find(
      (r) => meta(r).namespace === "checkout-previews",
    )!;
    expect(binding.inputs.subjects).toEqual([
      {
        kind: "Group",
        name: "delivery-workflow:checkout-previews:deployers",
        apiGroup: "rbac.authorization.k8s.io",
      },
    ]);
    expect(binding.inputs.roleRef).toMatchObject({ kind: "Role", name: "preview-deployer" });
    // The role may push its own images and nothing else: no SSM, no EKS API.
    const policy = byType(staging, "aws:iam/rolePolicy:RolePolicy").find((p) =>
      p.name.startsWith("checkout-cart-api-cluster-preview"),
    )!;
    const actions = JSON.parse(String(policy.inputs.policy)).Statement.flatMap(
      (s: { Action: string[] }) => s.Action,
    );
    expect(actions.every((a: string) => a.startsWith("ecr:"))).toBe(true);
  });

  it("the preview GitHub environment says how to reach the cluster, with no server's document or instances", () => {
    const staging = stack("staging");
    expect(previewVars(staging, "KUBE_NAMESPACE").map((r) => r.inputs.value)).toEqual([
      "checkout-previews",
      "checkout-previews",
    ]);
    expect(previewVars(staging, "EKS_CLUSTER_NAME").map((r) => r.inputs.value)).toEqual([
      "acme-shared",
      "acme-shared",
    ]);
    expect(String(previewVars(staging, "KUBE_API_SERVER")[0].inputs.value)).toMatch(
      /^https:\/\/.*\.eks\.amazonaws\.com$/,
    );
    expect(previewVars(staging, "KUBE_CA_DATA")).toHaveLength(2);
    expect(String(previewVars(staging, "PREVIEW_ROLE_ARN")[0].inputs.value)).toMatch(/cluster-preview$/);
    expect(previewVars(staging, "PREVIEW_DOCUMENT")).toEqual([]);
    expect(previewVars(staging, "PREVIEW_INSTANCE_IDS")).toEqual([]);
    // On EKS the token comes from the role: no token secret.
    expect(previewSecrets(staging, "KUBE_TOKEN")).toEqual([]);
  });

  it("nothing of the server preview path is planned: no preview document, no preview server, integration not upsized", () => {
    for (const plan of plans) {
      expect(byType(plan, "delivery:aws:PreviewRole")).toEqual([]);
      expect(byType(plan, "aws:ssm/document:Document").filter((d) => d.name.includes("preview"))).toEqual([]);
    }
    expect(byType(stack("integration"), "delivery:github:PreviewEnvironment")).toEqual([]);
    const [server] = byType(stack("integration"), "aws:ec2/instance:Instance");
    expect(server.inputs.instanceType).toBe("t4g.micro");
    expect(JSON.stringify(stack("staging").cost)).not.toMatch(/server is t4g/);
    expect(stack("staging").cost.notes.join("\n")).toMatch(
      /of which previews: \$0\.00\/month.*checkout-previews/,
    );
  });
});

describe("previews on a cluster reached by a kubeconfig secret", () => {
  it("the preview-deployer ServiceAccount's token becomes the preview environment's KUBE_TOKEN secret", async () => {
    const spec = team();
    spec.environments[1].kubernetes = { kubeconfig: "kubeconfig", architecture: "arm64", previews: true };
    const kubeconfig = [
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
    const [plan] = await planStacks({ stacks: ["staging"], team: spec, config: { staging: { kubeconfig } } });
    expect(JSON.stringify(plan)).not.toContain("VERYSECRETADMINTOKEN");
    expect(byType(plan, "aws:eks/accessEntry:AccessEntry")).toEqual([]);
    const token = byType(plan, "kubernetes:core/v1:Secret").find(
      (r) =>
        meta(r).namespace === "checkout-previews" && r.inputs.type === "kubernetes.io/service-account-token",
    )!;
    expect(meta(token).annotations).toEqual({ "kubernetes.io/service-account.name": "preview-deployer" });
    const binding = byType(plan, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").find(
      (r) => meta(r).namespace === "checkout-previews",
    )!;
    expect(binding.inputs.subjects).toEqual([
      { kind: "ServiceAccount", name: "preview-deployer", namespace: "checkout-previews" },
    ]);
    expect(previewSecrets(plan, "KUBE_TOKEN").map((r) => r.inputs.value)).toEqual(["[secret]", "[secret]"]);
    expect(previewVars(plan, "KUBE_API_SERVER").map((r) => r.inputs.value)).toEqual([
      "https://k8s.acme.internal:6443",
      "https://k8s.acme.internal:6443",
    ]);
    expect(previewVars(plan, "EKS_CLUSTER_NAME")).toEqual([]);
    expect(previewVars(plan, "KUBE_NAMESPACE").map((r) => r.inputs.value)).toEqual([
      "checkout-previews",
      "checkout-previews",
    ]);
  });
});
