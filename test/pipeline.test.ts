/**
 * What the generated workflows promise, checked on the data for every variant (three branch
 * models, reference team, notifications on/off, every language), and what the shared stack's
 * offline plan commits with `github.RepositoryFile`.
 */
import {
  ENVIRONMENT_SECRETS,
  ENVIRONMENT_VARIABLES,
  REPOSITORY_VARIABLES,
  RELEASED_IMAGE_TAG_PREFIX,
  STATUS_CHECKS,
  releasePolicy,
} from "../components/release";
import {
  ACTIONS,
  deployWorkflowPath,
  pipelineFiles,
  PULL_REQUEST_WORKFLOW,
  ROLLBACK_WORKFLOW,
} from "../components/pipeline";
import { planStacks } from "./harness";
import { referenceTeam, teamFor } from "./fixtures";
import { generatedFiles, isWorkflow, parseWorkflow, type GeneratedFile } from "./workflow-variants";

const files = generatedFiles();
const workflows = files.filter(isWorkflow).map((f) => ({ file: f, wf: parseWorkflow(f.content) }));
const where = (f: GeneratedFile, job?: string) =>
  `${f.variant} / ${f.service.name} / ${f.path}${job ? ` / ${job}` : ""}`;

const TABLE = new Map<string, string>(
  Object.values(ACTIONS).map((a) => [`${a.repository}@${a.sha}`, a.version]),
);
const uses = (job: any, action: { repository: string }) =>
  (job.steps as any[]).some((s) => typeof s.uses === "string" && s.uses.startsWith(`${action.repository}@`));

describe("actions", () => {
  it("the table holds full 40-hex SHAs and versions", () => {
    for (const a of Object.values(ACTIONS)) {
      expect(a.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(a.version).toMatch(/^v[0-9]+\.[0-9]+\.[0-9]+$/);
    }
  });

  it("every uses: is pinned to a SHA from the table, with its version as a comment", () => {
    let count = 0;
    for (const { file, wf } of workflows) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps as any[]) {
          if (step.uses === undefined) continue;
          count++;
          expect({ at: where(file, id), uses: step.uses, pinned: TABLE.has(step.uses) }).toEqual({
            at: where(file, id),
            uses: step.uses,
            pinned: true,
          });
          expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
          expect(file.content).toContain(`uses: ${step.uses} # ${TABLE.get(step.uses)}`);
        }
      }
    }
    expect(count).toBeGreaterThan(100);
  });
});

describe("security of every workflow", () => {
  it("never uses pull_request_target and reads only by default", () => {
    for (const { file, wf } of workflows) {
      expect(Object.keys(wf.on)).not.toContain("pull_request_target");
      expect(file.content).not.toContain("pull_request_target");
      expect(wf.permissions).toEqual({ contents: "read" });
    }
  });

  it("keeps every expression out of run: scripts (github.event, inputs, anything)", () => {
    for (const { file, wf } of workflows) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps as any[]) {
          if (typeof step.run !== "string") continue;
          expect({ at: `${where(file, id)} / ${step.name}`, expression: step.run.includes("${{") }).toEqual({
            at: `${where(file, id)} / ${step.name}`,
            expression: false,
          });
        }
      }
    }
  });

  it("gives each job exactly the permissions its steps use", () => {
    for (const { file, wf } of workflows) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        const runs = (job.steps as any[]).map((s) => s.run ?? "").join("\n");
        const needed: Record<string, string> = {};
        if (uses(job, ACTIONS.checkout) || /\bgh api\b/.test(runs)) needed.contents = "read";
        if (/\bgh release create\b/.test(runs)) needed.contents = "write";
        if (uses(job, ACTIONS.configureAwsCredentials)) needed["id-token"] = "write";
        expect({ at: where(file, id), permissions: job.permissions }).toEqual({
          at: where(file, id),
          permissions: needed,
        });
      }
    }
  });

  it("lets only environment jobs read secrets, and names only the contract's vars and secrets", () => {
    const allowedVars = new Set<string>([
      ...Object.values(REPOSITORY_VARIABLES),
      ...Object.values(ENVIRONMENT_VARIABLES),
    ]);
    const allowedSecrets = new Set<string>(Object.values(ENVIRONMENT_SECRETS));
    for (const { file, wf } of workflows) {
      for (const m of file.content.matchAll(/\bvars\.([A-Za-z0-9_]+)/g)) expect(allowedVars).toContain(m[1]);
      for (const m of file.content.matchAll(/\bsecrets\.([A-Za-z0-9_]+)/g))
        expect(allowedSecrets).toContain(m[1]);
      for (const [id, job] of Object.entries(wf.jobs)) {
        const text = JSON.stringify(job);
        if (text.includes("secrets."))
          expect({ at: where(file, id), environment: job.environment !== undefined }).toEqual({
            at: where(file, id),
            environment: true,
          });
        // Environment variables exist only in environment jobs.
        for (const name of Object.values(ENVIRONMENT_VARIABLES)) {
          if (text.includes(`vars.${name}`)) expect(job.environment).toBeDefined();
        }
      }
    }
  });
});

describe("pull request workflow", () => {
  const prs = workflows.filter(({ file }) => file.path === PULL_REQUEST_WORKFLOW);

  it("runs on pull requests into every protected branch and names the required checks exactly", () => {
    for (const { file, wf } of prs) {
      expect(wf.on).toEqual({ pull_request: { branches: file.policy.protectedBranches.map((b) => b.name) } });
      const names = Object.values(wf.jobs).map((j: any) => j.name);
      for (const b of file.policy.protectedBranches)
        for (const check of b.requiredChecks) expect(names).toContain(check);
      expect(wf.jobs.lint.name).toBe(STATUS_CHECKS.lint);
      expect(wf.jobs.test.name).toBe(STATUS_CHECKS.test);
      expect(wf.jobs["build-image"].name).toBe(STATUS_CHECKS.build);
    }
  });

  it("works on a fork: no secrets, no vars, no OIDC token, no push", () => {
    for (const { file, wf } of prs) {
      expect(file.content).not.toMatch(/secrets\.|vars\.|id-token|docker push|docker login/);
      for (const job of Object.values(wf.jobs) as any[]) expect(job.environment).toBeUndefined();
    }
  });

  it("lints with pre-commit and tests with the spec's coverage threshold", () => {
    for (const { file, wf } of prs) {
      expect(JSON.stringify(wf.jobs.lint.steps)).toContain("pre-commit run --all-files");
      const threshold = file.service.coverageThreshold ?? file.spec.coverageThreshold;
      const testStep = (wf.jobs.test.steps as any[]).find((s) => s.env?.COVERAGE_THRESHOLD !== undefined);
      expect(testStep.env.COVERAGE_THRESHOLD).toBe(threshold);
      if (file.service.commands?.test) expect(testStep.run).toContain(file.service.commands.test);
    }
  });
});

describe("deploy workflows", () => {
  it("exist once per deployment, triggered by exactly its ref patterns, guarded first", () => {
    for (const f of files.filter((x) => x.path === PULL_REQUEST_WORKFLOW)) {
      for (const d of f.policy.deployments) {
        const file = files.find(
          (x) =>
            x.variant === f.variant &&
            x.service.name === f.service.name &&
            x.path === deployWorkflowPath(d.environment),
        );
        expect(file).toBeDefined();
        const wf = parseWorkflow((file as GeneratedFile).content);
        expect(wf.on).toEqual({
          push: d.trigger.kind === "branch" ? { branches: d.trigger.patterns } : { tags: d.trigger.patterns },
        });
        expect(wf.jobs.guard.steps[0].env.TRIGGER_REGEX).toBe(d.trigger.regex);
        const deploy = wf.jobs.deploy;
        expect(deploy.needs).toContain("guard");
        expect(deploy.environment.name).toBe(d.environment);
        expect(deploy.concurrency).toEqual({
          group: `deploy-${d.environment}`,
          "cancel-in-progress": d.cancelInProgress,
        });
        expect(deploy.steps[0].with["role-to-assume"]).toBe(
          `\${{ vars.${ENVIRONMENT_VARIABLES.deployRoleArn} }}`,
        );
        // Only the build deployment builds; every other one re-tags an existing digest.
        const builds = Object.values(wf.jobs).some((j: any) =>
          JSON.stringify(j.steps).includes("docker build"),
        );
        expect({ env: d.environment, builds }).toEqual({
          env: d.environment,
          builds: d.artifact === "build",
        });
        if (d.artifact === "build") {
          expect(
            wf.jobs.image.steps.find((s: any) => s.with?.["role-to-assume"])?.with["role-to-assume"],
          ).toBe(`\${{ vars.${REPOSITORY_VARIABLES.buildRoleArn} }}`);
          expect(wf.jobs.image.environment).toBeUndefined();
        }
        // Only production marks the digest it ran, once, after the agent and before the smoke test.
        const marks = (deploy.steps as any[]).filter((s) => s.env?.RELEASED_IMAGE_TAG_PREFIX !== undefined);
        expect({ env: d.environment, marks: marks.length }).toEqual({
          env: d.environment,
          marks: d.role === "production" ? 1 : 0,
        });
        if (marks.length) {
          const i = (deploy.steps as any[]).indexOf(marks[0]);
          expect(deploy.steps[i - 1].run).toContain("send-command");
          expect(marks[0].env.RELEASED_IMAGE_TAG_PREFIX).toBe(RELEASED_IMAGE_TAG_PREFIX);
          expect(marks[0].env.IMAGE_DIGEST).toBe("${{ steps.image.outputs.digest }}");
        }
        expect(wf.jobs.regression !== undefined).toBe(d.role === "staging");
        expect(wf.jobs["github-release"] !== undefined).toBe(
          d.role === "production" && d.trigger.kind === "tag",
        );
      }
    }
  });

  it("the production job contains no image build step (reference team)", () => {
    const spec = referenceTeam();
    const policy = releasePolicy(spec);
    for (const service of spec.services) {
      const f = pipelineFiles(spec, service, policy).find((x) => x.path === deployWorkflowPath("production"));
      const wf = parseWorkflow(f?.content ?? "");
      expect(Object.keys(wf.jobs)).not.toContain("image");
      for (const job of Object.values(wf.jobs) as any[]) {
        for (const step of job.steps)
          expect(String(step.run ?? "")).not.toMatch(/docker (build|push)|buildx/);
      }
      expect(wf.jobs.deploy.steps.find((s: any) => s.id === "image").name).toMatch(/Promote/);
    }
  });

  it("notifies Slack on success and failure only when configured, and marks Sentry only when configured", () => {
    for (const { file, wf } of workflows.filter(
      ({ file }) => file.path.includes("/deploy-") || file.path === ROLLBACK_WORKFLOW,
    )) {
      const job = wf.jobs.deploy ?? wf.jobs.rollback;
      const slack = (job.steps as any[]).filter((s) => s.env?.SLACK_WEBHOOK !== undefined);
      const sentry = (job.steps as any[]).filter((s) => s.env?.SENTRY_TOKEN !== undefined);
      if (file.spec.notifications.slack) expect(slack.map((s) => s.if)).toEqual(["success()", "failure()"]);
      else expect(slack).toEqual([]);
      expect(sentry).toHaveLength(file.spec.notifications.sentry ? 1 : 0);
      if (file.spec.notifications.sentry)
        expect(sentry[0].env.SENTRY_ORG).toBe(file.spec.notifications.sentry.org);
    }
  });
});

describe("rollback workflow", () => {
  it("offers every environment, checks the version, deploys it in that environment's queue", () => {
    for (const { file, wf } of workflows.filter(({ file }) => file.path === ROLLBACK_WORKFLOW)) {
      const inputs = wf.on.workflow_dispatch.inputs;
      expect(inputs.environment.options).toEqual(file.spec.environments.map((e) => e.name));
      expect(inputs.version.required).toBe(true);
      const job = wf.jobs.rollback;
      expect(job.environment.name).toBe("${{ inputs.environment }}");
      expect(job.concurrency).toEqual({
        group: "deploy-${{ inputs.environment }}",
        "cancel-in-progress": false,
      });
      const steps = (job.steps as any[]).map((s) => s.run ?? "").join("\n");
      expect(steps).toMatch(/describe-images/);
      expect(steps).toMatch(/put-parameter/);
      expect(steps).toMatch(/send-command/);
      expect(steps).toMatch(/curl --fail/);
      // A rollback in production marks the image it runs there; in other environments it does not.
      const production = file.policy.deployments.find((d) => d.role === "production");
      const marks = (job.steps as any[]).filter((s) => s.env?.RELEASED_IMAGE_TAG_PREFIX !== undefined);
      expect(marks.map((s) => s.if)).toEqual(
        production ? [`inputs.environment == '${production.environment}'`] : [],
      );
    }
  });
});

describe("shared stack plan: files committed with github.RepositoryFile", () => {
  it("commits every workflow and the pre-commit config to each repository's default branch", async () => {
    const [shared] = await planStacks({ stacks: ["shared"] });
    const spec = referenceTeam();
    const policy = releasePolicy(spec);
    const component = shared.resources.find((r) => r.type === "delivery:pipeline:ServicePipelines");
    expect(component).toBeDefined();
    const planned = shared.resources.filter(
      (r) => r.type === "github:index/repositoryFile:RepositoryFile" && r.parent === component?.urn,
    );
    const expected = spec.services.flatMap((s) =>
      pipelineFiles(spec, s, policy).map((f) => ({ service: s.name, ...f })),
    );
    expect(planned).toHaveLength(expected.length);
    for (const f of expected) {
      const r = planned.find((p) => p.name === `${spec.name}-pipeline-${f.service}-${f.key}`);
      expect(r).toBeDefined();
      expect(r?.inputs).toMatchObject({
        repository: f.service,
        branch: policy.defaultBranch,
        file: f.path,
        content: f.content,
        overwriteOnCreate: true,
        commitAuthor: "delivery-workflow",
      });
      expect(String(r?.inputs.commitMessage)).toContain(f.path);
      expect(r?.provider).toMatch(/pulumi:providers:github::/);
      expect(r?.ignoreChanges).toEqual(["repository"]);
    }
  });

  it("commits to master under the pre-production model, and follows a renamed service", async () => {
    const spec = teamFor("pre-production", { services: [{ name: "orders", formerNames: ["order-api"] }] });
    const [shared] = await planStacks({ stacks: ["shared"], team: spec });
    const planned = shared.resources.filter(
      (r) =>
        r.type === "github:index/repositoryFile:RepositoryFile" && r.name.startsWith("payments-pipeline-"),
    );
    expect(planned.length).toBeGreaterThan(0);
    for (const r of planned) {
      expect(r.inputs.branch).toBe("master");
      expect(r.aliases.join(" ")).toContain("payments-pipeline-order-api-");
    }
  });
});
