/**
 * Acceptance (issue 10): for each branch model, the story from a feature branch to production and
 * back, played through the generated workflow files and their scripts by a small runner
 * (test/pipeline-runner.ts) on a real git repository, with a registry, SSM and GitHub held by
 * data-driven stubs. At each step it checks what the pipeline promises: the required checks
 * report, the build happens once for the runtime's platform, each environment deploys by digest
 * and records its release only after the servers succeeded, staging's failures block production,
 * production promotes only what passed the environment before it, every run reports to Slack
 * once, and a rollback from the default branch returns an environment to an earlier release.
 * Issue 13: the same story with staging and production on Kubernetes (a recording kubectl
 * stand-in holds the Deployments): set the image by digest, undo a rollout that never became
 * ready, roll back to a released digest.
 */
import * as fs from "fs";
import * as path from "path";
import {
  passedTagPrefix,
  RELEASED_IMAGE_TAG_PREFIX,
  releasePolicy,
  runningImageTag,
  type ReleasePolicy,
} from "../components/release";
import { pipelineFiles } from "../components/pipeline";
import { PREVIEW_WORKFLOW_PATH } from "../components/pipeline/preview-workflow";
import { environmentNamespace, type BranchModel, type TeamSpec } from "../components/team";
import { teamFor } from "./fixtures";
import { gitRepo, stubAws } from "./pipeline-harness";
import {
  repository,
  runWorkflow,
  triggers,
  type Event,
  type Repository,
  type RunReport,
} from "./pipeline-runner";
import { parseWorkflow } from "./workflow-variants";

const REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api";

class Story {
  readonly spec: TeamSpec;
  readonly policy: ReleasePolicy;
  readonly repo: Repository;
  readonly workflows: Map<string, any>;
  readonly runs: RunReport[] = [];

  constructor(model: BranchModel, overrides: Record<string, unknown> = {}) {
    this.spec = teamFor(model, {
      services: [
        { name: "api", language: "generic", commands: { lint: "true", test: "echo unit tests pass" } },
      ],
      notifications: { slack: { channel: "#deploys" }, sentry: { org: "acme", project: "api" } },
      ...overrides,
    });
    this.policy = releasePolicy(this.spec);
    this.workflows = new Map(
      pipelineFiles(this.spec, this.spec.services[0], this.policy)
        // The release path only: the preview workflow has its own tests (preview-workflow,
        // preview-scripts, and the real engine in preview.e2e).
        .filter((f) => f.path.startsWith(".github/workflows/") && f.path !== PREVIEW_WORKFLOW_PATH)
        .map((f) => [f.path, parseWorkflow(f.content)]),
    );
    const git = gitRepo(this.policy.defaultBranch);
    // The service's regression suite: the deployed service answers its health check.
    fs.mkdirSync(path.join(git.clone, "scripts"), { recursive: true });
    fs.writeFileSync(
      path.join(git.clone, "scripts", "regression-suite.sh"),
      '#!/usr/bin/env bash\ncurl --fail --silent "$1/checkout-journey"\n',
      { mode: 0o755 },
    );
    git.git("add", ".");
    git.git("commit", "-q", "-m", "regression suite");
    git.git("push", "-q", "origin", `HEAD:refs/heads/${this.policy.defaultBranch}`);
    for (const b of this.policy.protectedBranches)
      if (b.name !== this.policy.defaultBranch) git.git("push", "-q", "origin", `HEAD:refs/heads/${b.name}`);
    git.git("fetch", "-q", "origin");
    const environmentVars: Record<string, Record<string, string>> = {};
    for (const d of this.policy.deployments)
      environmentVars[d.environment] = {
        DEPLOY_ROLE_ARN: `arn:aws:iam::123456789012:role/api-${d.environment}-deploy`,
        SERVER_INSTANCE_IDS: "i-0aaa,i-0bbb",
        PUBLIC_URL: `https://${d.environment}.example.invalid`,
        RELEASE_PARAMETER: `/payments/${d.environment}/api/release`,
        SENTRY_ENVIRONMENT: d.environment,
        DEPLOY_DOCUMENT: `payments-${d.environment}-api-deploy`,
        // What stacks/kubernetes.ts sets on a Kubernetes environment (EKS: no token).
        ...(this.spec.environments.find((e) => e.name === d.environment)?.runtime === "kubernetes"
          ? {
              KUBE_NAMESPACE: environmentNamespace(this.spec.name, d.environment),
              KUBE_API_SERVER: "https://cluster.example.invalid",
              KUBE_CA_DATA: Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64"),
              EKS_CLUSTER_NAME: "acme-shared",
            }
          : {}),
      };
    this.repo = repository(
      "api",
      git,
      stubAws({ status: "Success", agentOutput: "switched" }),
      {
        AWS_REGION: "us-east-1",
        ECR_REPOSITORY_URL: REGISTRY,
        BUILD_ROLE_ARN: "arn:aws:iam::123456789012:role/api-build",
      },
      environmentVars,
      { SLACK_WEBHOOK_URL: "https://hooks.slack.invalid/T", SENTRY_AUTH_TOKEN: "sentry-token" },
    );
  }

  private fire(event: Event): RunReport[] {
    const reports: RunReport[] = [];
    for (const [p, wf] of this.workflows)
      if (triggers(wf, event)) reports.push(runWorkflow(p, wf, this.repo, event));
    this.runs.push(...reports);
    return reports;
  }

  /** Opens (or updates) a pull request; returns each check's result by its name. */
  pullRequest(head: string, base: string, headRepository = "acme/api"): Record<string, string> {
    const sha = this.repo.git.git("rev-parse", `origin/${head}`);
    const reports = this.fire({
      name: "pull_request",
      refName: "1/merge",
      sha,
      baseRef: base,
      headRef: head,
      headRepository,
    });
    const checks: Record<string, string> = {};
    for (const r of reports)
      for (const [id, job] of Object.entries(r.jobs))
        checks[this.workflows.get(r.workflow).jobs[id].name] = job.result;
    return checks;
  }

  requiredChecksPass(base: string, checks: Record<string, string>): boolean {
    const branch = this.policy.protectedBranches.find((b) => b.name === base);
    return (branch?.requiredChecks ?? []).every((c) => checks[c] === "success");
  }

  push(branch: string): RunReport[] {
    return this.fire({
      name: "push",
      refType: "branch",
      refName: branch,
      sha: this.repo.git.git("rev-parse", `origin/${branch}`),
    });
  }

  tag(name: string, sha: string): RunReport[] {
    this.repo.git.tag(name, sha);
    return this.fire({ name: "push", refType: "tag", refName: name, sha });
  }

  /** Re-runs a workflow run (GitHub's "Re-run all jobs") for the same event. */
  rerun(report: RunReport, event: Event): RunReport {
    const r = runWorkflow(report.workflow, this.workflows.get(report.workflow), this.repo, event);
    this.runs.push(r);
    return r;
  }

  rollback(environment: string, version: string, from = this.policy.defaultBranch): RunReport {
    const sha = this.repo.git.git("rev-parse", `origin/${from}`);
    return this.fire({
      name: "workflow_dispatch",
      refType: "branch",
      refName: from,
      sha,
      inputs: { environment, version },
    })[0];
  }

  deployOf(reports: RunReport[], environment: string): RunReport {
    const r = reports.find((x) => x.workflow === `.github/workflows/deploy-${environment}.yml`);
    if (!r)
      throw new Error(`no deploy-${environment} run among ${reports.map((x) => x.workflow).join(", ")}`);
    return r;
  }

  digest(tag: string): string | undefined {
    return this.repo.aws.state().digests?.[tag];
  }

  parameter(environment: string): string | undefined {
    return this.repo.aws.state().parameters?.[`/payments/${environment}/api/release`];
  }

  slack(): { text: string; channel?: string }[] {
    return this.repo
      .posts()
      .filter((p) => p.url.startsWith("https://hooks.slack.invalid"))
      .map((p) => JSON.parse(p.data));
  }
}

const results = (r: RunReport) => Object.fromEntries(Object.entries(r.jobs).map(([k, v]) => [k, v.result]));
const log = (r: RunReport) =>
  Object.values(r.jobs)
    .map((j) => j.log)
    .join("\n");

describe("trunk: feature → main → integration; rc → staging; release → production; rollback", () => {
  const s = new Story("trunk");
  let m1 = "";

  it("a feature branch's pull request reports every required check", () => {
    s.repo.git.commit("feature/cart", "add the cart");
    const checks = s.pullRequest("feature/cart", "main");
    expect(s.requiredChecksPass("main", checks)).toBe(true);
  });

  it("the merge builds once (sha-<commit>) and deploys it to integration", () => {
    m1 = s.repo.git.commit("main", "add the cart (squashed)");
    const runs = s.push("main");
    expect(runs.map((r) => r.workflow)).toEqual([".github/workflows/deploy-integration.yml"]);
    const r = runs[0];
    expect(results(r)).toEqual({
      guard: "success",
      lint: "success",
      test: "success",
      image: "success",
      deploy: "success",
      notify: "success",
    });
    const d = s.digest(`sha-${m1}`);
    expect(d).toMatch(/^sha256:/);
    expect(s.parameter("integration")).toBe(`${REGISTRY}@${d}`);
    expect(s.digest(`${passedTagPrefix("integration")}sha-${m1}`)).toBe(d);
    expect(s.digest(runningImageTag("integration", `sha-${m1}`))).toBe(d);
    expect(s.repo.aws.state().sent?.at(-1)).toEqual({
      document: "payments-integration-api-deploy",
      parameters: { image: [`${REGISTRY}@${d}`], release: [`api@${m1}`] },
    });
  });

  it("an rc whose regression suite fails in staging is not marked passed, and the run says so in Slack", () => {
    s.repo.down("checkout-journey");
    const runs = s.tag("v1.0.0-rc.1", m1);
    s.repo.down(undefined);
    // Only staging's workflow starts: production's filter excludes rc tags its pattern also matches.
    expect(runs.map((r) => r.workflow)).toEqual([".github/workflows/deploy-staging.yml"]);
    const staging = s.deployOf(runs, "staging");
    expect(results(staging)).toMatchObject({ guard: "success", deploy: "failure", notify: "success" });
    expect(s.digest("v1.0.0-rc.1")).toBe(s.digest(`sha-${m1}`));
    expect(s.digest(`${passedTagPrefix("staging")}v1.0.0-rc.1`)).toBeUndefined();
    // It deployed and answered its smoke test; the regression suite failed.
    expect(staging.jobs.deploy.log).toMatch(/--- Smoke test \(0\)/);
    expect(staging.jobs.deploy.log).toMatch(/--- Regression suite against the deployed service \(22\)/);
    expect(s.slack().at(-1)?.text).toContain("api v1.0.0-rc.1 to staging: failed");
  });

  let release: RunReport;
  it("the release tag refuses to promote what did not pass staging", () => {
    release = s.deployOf(s.tag("v1.0.0", m1), "production");
    expect(results(release)).toMatchObject({
      guard: "success",
      deploy: "failure",
      "github-release": "skipped",
    });
    expect(log(release)).toContain("refused v1.0.0-rc.1: did not pass staging");
    expect(s.digest("v1.0.0")).toBeUndefined();
    expect(s.parameter("production")).toBeUndefined();
    expect(s.slack().at(-1)?.text).toContain("api v1.0.0 to production: failed");
  });

  it("rc.2 of the same commit passes staging; re-running the release promotes its digest", () => {
    const staging = s.deployOf(s.tag("v1.0.0-rc.2", m1), "staging");
    expect(results(staging)).toMatchObject({ deploy: "success" });
    const d = s.digest(`sha-${m1}`);
    expect(s.digest(`${passedTagPrefix("staging")}v1.0.0-rc.2`)).toBe(d);
    const again = s.rerun(release, { name: "push", refType: "tag", refName: "v1.0.0", sha: m1 });
    expect(results(again)).toEqual({
      guard: "success",
      deploy: "success",
      "github-release": "success",
      notify: "success",
    });
    expect(log(again)).toContain("promoting v1.0.0-rc.2");
    expect(s.digest("v1.0.0")).toBe(d);
    expect(s.digest(`${RELEASED_IMAGE_TAG_PREFIX}v1.0.0`)).toBe(d);
    expect(s.parameter("production")).toBe(`${REGISTRY}@${d}`);
    expect(s.repo.releases()).toEqual(["v1.0.0"]);
    // One Sentry release per build: every environment sent the same name.
    const names = new Set(s.repo.aws.state().sent?.map((x) => x.parameters.release[0]));
    expect(names).toEqual(new Set([`api@${m1}`]));
  });

  it("a second release, then a rollback of production from main to the first", () => {
    s.repo.git.commit("feature/pay", "pay");
    const m2 = s.repo.git.commit("main", "pay (squashed)");
    s.push("main");
    s.tag("v1.1.0-rc.1", m2);
    expect(results(s.deployOf(s.tag("v1.1.0", m2), "production"))).toMatchObject({ deploy: "success" });
    expect(s.parameter("production")).toBe(`${REGISTRY}@${s.digest(`sha-${m2}`)}`);

    const back = s.rollback("production", "v1.0.0");
    expect(results(back)).toEqual({ rollback: "success", notify: "success" });
    expect(s.parameter("production")).toBe(`${REGISTRY}@${s.digest("v1.0.0")}`);
    expect(s.digest(runningImageTag("production", "v1.0.0"))).toBe(s.digest("v1.0.0"));
    expect(s.slack().at(-1)?.text).toContain("api v1.0.0 to production: succeeded");
  });

  it("each environment rolls back only to what it ran (production: released); never from a work branch", () => {
    s.repo.git.commit("feature/wip", "wip");
    const m3 = s.repo.git.commit("main", "wip (squashed)");
    s.push("main");
    const refused = s.rollback("production", `sha-${m3}`);
    expect(results(refused)).toMatchObject({ rollback: "failure" });
    expect(log(refused)).toContain("never ran in production");
    // The default branch reaches every environment's deployment policy, and staging has no
    // reviewers: a build that only ran in integration is not a way into staging.
    const skipped = s.rollback("staging", `sha-${m3}`);
    expect(results(skipped)).toMatchObject({ rollback: "failure" });
    expect(log(skipped)).toContain("never ran in staging");
    expect(results(s.rollback("staging", "v1.0.0-rc.2"))).toMatchObject({ rollback: "success" });
    expect(results(s.rollback("integration", `sha-${m3}`))).toMatchObject({ rollback: "success" });
    expect(results(s.rollback("staging", "v1.0.0", "feature/wip"))).toMatchObject({ rollback: "skipped" });
  });

  it("an rc on a commit that never reached main deploys nothing", () => {
    const off = s.repo.git.commit("feature/sneaky", "not reviewed");
    const staging = s.deployOf(s.tag("v1.2.0-rc.1", off), "staging");
    expect(results(staging)).toMatchObject({ guard: "failure", deploy: "skipped" });
    expect(s.slack().at(-1)?.text).toContain("guard: failure");
  });
});

describe("staging-branch: feature → staging (build, test) → main (promote the tested image); rollback", () => {
  const s = new Story("staging-branch");
  let s1 = "";

  it("a feature's pull request into staging reports every required check; pr-source is not asked", () => {
    s.repo.git.commit("feature/cart", "cart", "staging");
    const checks = s.pullRequest("feature/cart", "staging");
    expect(s.requiredChecksPass("staging", checks)).toBe(true);
    expect(checks["pr-source"]).toBeUndefined();
  });

  it("the squash merge into staging builds once, deploys staging and marks it passed", () => {
    s1 = s.repo.git.commit("staging", "cart (squashed)");
    const r = s.deployOf(s.push("staging"), "staging");
    expect(results(r)).toEqual({
      guard: "success",
      lint: "success",
      test: "success",
      image: "success",
      deploy: "success",
      notify: "success",
    });
    const d = s.digest(`sha-${s1}`);
    expect(s.digest(`${passedTagPrefix("staging")}sha-${s1}`)).toBe(d);
    expect(s.parameter("staging")).toBe(`${REGISTRY}@${d}`);
  });

  it("the promotion pull request staging → main passes; the same branch name from a fork does not", () => {
    const checks = s.pullRequest("staging", "main");
    expect(checks["pr-source"]).toBe("success");
    expect(s.requiredChecksPass("main", checks)).toBe(true);
    expect(s.pullRequest("staging", "main", "mallory/api")["pr-source"]).toBe("failure");
    expect(s.pullRequest("feature/cart", "main")["pr-source"]).toBe("failure");
  });

  it("the merge commit into main promotes the tested digest to production, without building", () => {
    const m = s.repo.git.mergeCommit("main", "staging");
    const r = s.deployOf(s.push("main"), "production");
    expect(results(r)).toEqual({ guard: "success", deploy: "success", notify: "success" });
    const d = s.digest(`sha-${s1}`);
    expect(s.digest(`sha-${m}`)).toBe(d);
    expect(s.digest(`${RELEASED_IMAGE_TAG_PREFIX}sha-${m}`)).toBe(d);
    expect(s.parameter("production")).toBe(`${REGISTRY}@${d}`);
    expect(s.repo.aws.state().sent?.at(-1)?.parameters.release).toEqual([`api@${s1}`]);
  });

  it("a staging head whose regression suite failed is not promoted when merged into main", () => {
    s.repo.git.commit("feature/bad", "bad", "staging");
    const s2 = s.repo.git.commit("staging", "bad (squashed)");
    s.repo.down("checkout-journey");
    expect(results(s.deployOf(s.push("staging"), "staging"))).toMatchObject({ deploy: "failure" });
    s.repo.down(undefined);
    s.repo.git.mergeCommit("main", "staging");
    const r = s.deployOf(s.push("main"), "production");
    expect(results(r)).toMatchObject({ deploy: "failure" });
    expect(log(r)).toContain(
      `sha-${s2} (${s.digest(`sha-${s2}`)}) has no ${passedTagPrefix("staging")}sha-${s2} marker`,
    );
    expect(s.parameter("production")).toBe(`${REGISTRY}@${s.digest(`sha-${s1}`)}`);
  });

  it("rollback of staging from main to the first release", () => {
    expect(results(s.rollback("staging", `sha-${s1}`))).toMatchObject({ rollback: "success" });
    expect(s.parameter("staging")).toBe(`${REGISTRY}@${s.digest(`sha-${s1}`)}`);
  });
});

describe("pre-production: master → integration; master → pre-production (promote); release tag → production; rollback", () => {
  const s = new Story("pre-production");
  let m1 = "";
  let p1 = "";

  it("a feature merged into master builds once and deploys integration", () => {
    s.repo.git.commit("feature/cart", "cart", "master");
    expect(s.requiredChecksPass("master", s.pullRequest("feature/cart", "master"))).toBe(true);
    m1 = s.repo.git.commit("master", "cart (squashed)");
    expect(results(s.deployOf(s.push("master"), "integration"))).toMatchObject({
      image: "success",
      deploy: "success",
    });
  });

  it("the promotion master → pre-production deploys master's image there and marks it passed", () => {
    const checks = s.pullRequest("master", "pre-production");
    expect(checks["pr-source"]).toBe("success");
    expect(s.requiredChecksPass("pre-production", checks)).toBe(true);
    p1 = s.repo.git.mergeCommit("pre-production", "master");
    const r = s.deployOf(s.push("pre-production"), "pre-production");
    expect(results(r)).toEqual({ guard: "success", deploy: "success", notify: "success" });
    const d = s.digest(`sha-${m1}`);
    expect(s.digest(`sha-${p1}`)).toBe(d);
    expect(s.digest(`${passedTagPrefix("pre-production")}sha-${p1}`)).toBe(d);
  });

  it("a release tag on the pre-production merge promotes that digest to production", () => {
    const r = s.deployOf(s.tag("v1.0.0", p1), "production");
    expect(results(r)).toEqual({
      guard: "success",
      deploy: "success",
      "github-release": "success",
      notify: "success",
    });
    const d = s.digest(`sha-${m1}`);
    expect(s.digest("v1.0.0")).toBe(d);
    expect(s.digest(`${RELEASED_IMAGE_TAG_PREFIX}v1.0.0`)).toBe(d);
    expect(s.parameter("production")).toBe(`${REGISTRY}@${d}`);
  });

  it("a release tag on a master commit that skipped pre-production deploys nothing", () => {
    const m2 = s.repo.git.commit("master", "not yet promoted");
    s.push("master");
    const r = s.deployOf(s.tag("v1.0.1", m2), "production");
    expect(results(r)).toMatchObject({ guard: "failure", deploy: "skipped" });
    expect(log(r)).toContain("which is not on pre-production");
    expect(s.parameter("production")).toBe(`${REGISTRY}@${s.digest(`sha-${m1}`)}`);
  });

  it("rollback of production from master accepts only a release production ran", () => {
    expect(results(s.rollback("production", "v1.0.0"))).toMatchObject({ rollback: "success" });
    const m2 = s.repo.git.git("rev-parse", "origin/master");
    expect(results(s.rollback("production", `sha-${m2}`))).toMatchObject({ rollback: "failure" });
  });

  it("every run reported to Slack once, in the configured channel", () => {
    const deployRuns = s.runs.filter(
      (r) => r.workflow.includes("/deploy-") || r.workflow.endsWith("/rollback.yml"),
    );
    const reported = deployRuns.filter(
      (r) => r.jobs.guard?.outputs.deploy !== "false" && r.jobs.rollback?.result !== "skipped",
    );
    expect(s.slack()).toHaveLength(reported.length);
    for (const m of s.slack()) expect(m.channel).toBe("#deploys");
  });
});

describe("trunk, mixed runtimes: integration on a server, staging and production on Kubernetes", () => {
  const kubernetes = { eks: { clusterName: "acme-shared" }, architecture: "arm64" };
  const s = new Story("trunk", {
    environments: [
      { name: "integration", role: "integration" },
      { name: "staging", role: "staging", runtime: "kubernetes", kubernetes },
      { name: "production", role: "production", runtime: "kubernetes", kubernetes },
    ],
  });
  const ns = (environment: string) => environmentNamespace(s.spec.name, environment);
  const kubectl = () =>
    s.repo.aws
      .calls()
      .split("\n")
      .filter((l) => l.startsWith("kubectl "));
  let m1 = "";

  it("the merge builds once and deploys integration on its server (SSM), no kubectl", () => {
    s.repo.git.commit("feature/cart", "cart");
    m1 = s.repo.git.commit("main", "cart (squashed)");
    const r = s.deployOf(s.push("main"), "integration");
    expect(results(r)).toMatchObject({ image: "success", deploy: "success" });
    const d = s.digest(`sha-${m1}`);
    expect(s.repo.aws.state().sent?.at(-1)?.document).toBe("payments-integration-api-deploy");
    expect(s.parameter("integration")).toBe(`${REGISTRY}@${d}`);
    expect(kubectl()).toEqual([]);
  });

  it("the rc promotes the same digest to staging: Deployment image set by digest, rollout waited, release recorded", () => {
    const sentBefore = s.repo.aws.state().sent?.length;
    const r = s.deployOf(s.tag("v1.0.0-rc.1", m1), "staging");
    expect(results(r)).toMatchObject({ guard: "success", deploy: "success", notify: "success" });
    const d = s.digest(`sha-${m1}`);
    expect(s.digest("v1.0.0-rc.1")).toBe(d);
    expect(s.repo.kubeImage(ns("staging"), "api")).toBe(`${REGISTRY}@${d}`);
    expect(kubectl()).toEqual(
      expect.arrayContaining([
        `kubectl [${ns("staging")}] set image deployment/api api=${REGISTRY}@${d}`,
        `kubectl [${ns("staging")}] rollout status deployment/api --timeout=5m`,
      ]),
    );
    // No SSM command on Kubernetes; the release parameter and the markers as on servers.
    expect(s.repo.aws.state().sent?.length).toBe(sentBefore);
    expect(s.parameter("staging")).toBe(`${REGISTRY}@${d}`);
    expect(s.digest(runningImageTag("staging", "v1.0.0-rc.1"))).toBe(d);
    expect(s.digest(`${passedTagPrefix("staging")}v1.0.0-rc.1`)).toBe(d);
    expect(r.jobs.deploy.log).toMatch(/--- Regression suite against the deployed service \(0\)/);
  });

  it("the release promotes what passed staging to production on Kubernetes", () => {
    const r = s.deployOf(s.tag("v1.0.0", m1), "production");
    expect(results(r)).toMatchObject({ deploy: "success", "github-release": "success" });
    const d = s.digest(`sha-${m1}`);
    expect(s.repo.kubeImage(ns("production"), "api")).toBe(`${REGISTRY}@${d}`);
    expect(s.digest(`${RELEASED_IMAGE_TAG_PREFIX}v1.0.0`)).toBe(d);
    expect(s.parameter("production")).toBe(`${REGISTRY}@${d}`);
  });

  it("a rollout that never becomes ready is undone to the previous ReplicaSet; nothing is recorded", () => {
    s.repo.git.commit("feature/pay", "pay");
    const m2 = s.repo.git.commit("main", "pay (squashed)");
    s.push("main");
    const before = `${REGISTRY}@${s.digest(`sha-${m1}`)}`;
    s.repo.kubeFails(true);
    const r = s.deployOf(s.tag("v1.1.0-rc.1", m2), "staging");
    s.repo.kubeFails(false);
    expect(results(r)).toMatchObject({ deploy: "failure" });
    expect(kubectl()).toContain(`kubectl [${ns("staging")}] rollout undo deployment/api`);
    expect(s.repo.kubeImage(ns("staging"), "api")).toBe(before);
    expect(s.parameter("staging")).toBe(before);
    expect(s.digest(runningImageTag("staging", "v1.1.0-rc.1"))).toBeUndefined();
    expect(s.digest(`${passedTagPrefix("staging")}v1.1.0-rc.1`)).toBeUndefined();
    expect(r.jobs.deploy.log).not.toMatch(/--- Smoke test/);
  });

  it("rollback pins a released digest on Kubernetes, and still uses SSM for integration", () => {
    s.repo.git.commit("feature/two", "two");
    const m3 = s.repo.git.commit("main", "two (squashed)");
    s.push("main");
    s.tag("v1.2.0-rc.1", m3);
    expect(results(s.deployOf(s.tag("v1.2.0", m3), "production"))).toMatchObject({ deploy: "success" });
    expect(s.repo.kubeImage(ns("production"), "api")).toBe(`${REGISTRY}@${s.digest(`sha-${m3}`)}`);

    const sentBefore = s.repo.aws.state().sent?.length;
    const back = s.rollback("production", "v1.0.0");
    expect(results(back)).toEqual({ rollback: "success", notify: "success" });
    expect(s.repo.kubeImage(ns("production"), "api")).toBe(`${REGISTRY}@${s.digest("v1.0.0")}`);
    expect(s.parameter("production")).toBe(`${REGISTRY}@${s.digest("v1.0.0")}`);
    expect(s.repo.aws.state().sent?.length).toBe(sentBefore);
    expect(back.jobs.rollback.log).toMatch(/--- Roll back: set the released image by digest/);

    const integration = s.rollback("integration", `sha-${m1}`);
    expect(results(integration)).toMatchObject({ rollback: "success" });
    expect(s.repo.aws.state().sent?.at(-1)?.document).toBe("payments-integration-api-deploy");
    expect(integration.jobs.rollback.log).not.toMatch(/kubectl|Roll back: set the released image/);
  });
});
