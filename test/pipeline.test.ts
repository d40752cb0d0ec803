/**
 * What the generated workflows promise, checked on the data for every variant (three branch
 * models, reference team, notifications on/off, every language), and what the shared stack's
 * offline plan commits with `github.RepositoryFile`.
 */
import {
  ENVIRONMENT_SECRETS,
  ENVIRONMENT_VARIABLES,
  PREVIEW_VARIABLES,
  REPOSITORY_SECRETS,
  REPOSITORY_VARIABLES,
  RELEASED_IMAGE_TAG_PREFIX,
  STATUS_CHECKS,
  passedTagPrefix,
  qualityChecks,
  RC_TAG,
  runningImageTagPrefix,
  pipelineBranches,
  releasePolicy,
} from "../components/release";
import {
  ACTIONS,
  deployWorkflowPath,
  pipelineFiles,
  PR_SOURCE_WORKFLOW,
  PULL_REQUEST_WORKFLOW,
  ROLLBACK_WORKFLOW,
} from "../components/pipeline";
import { PREVIEW_WORKFLOW_PATH } from "../components/pipeline/preview-workflow";
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
      // The preview workflow grants nothing at the top: each of its jobs asks for what it uses.
      expect(wf.permissions).toEqual(file.path === PREVIEW_WORKFLOW_PATH ? {} : { contents: "read" });
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
        // A pull request comment (the preview's address) needs pull-requests: write, not contents.
        const comments = /\bgh api\b.*issues\/.*comments/.test(runs);
        if (uses(job, ACTIONS.checkout) || (/\bgh api\b/.test(runs) && !comments)) needed.contents = "read";
        if (comments) needed["pull-requests"] = "write";
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
      ...Object.values(PREVIEW_VARIABLES),
    ]);
    const allowedSecrets = new Set<string>([
      ...Object.values(ENVIRONMENT_SECRETS),
      ...Object.values(REPOSITORY_SECRETS),
    ]);
    const repositorySecrets = new Set<string>(Object.values(REPOSITORY_SECRETS));
    for (const { file, wf } of workflows) {
      for (const m of file.content.matchAll(/\bvars\.([A-Za-z0-9_]+)/g)) expect(allowedVars).toContain(m[1]);
      for (const m of file.content.matchAll(/\bsecrets\.([A-Za-z0-9_]+)/g))
        expect(allowedSecrets).toContain(m[1]);
      for (const [id, job] of Object.entries(wf.jobs)) {
        const text = JSON.stringify(job);
        // Outside an environment a job reads only repository secrets (Slack's report, Sonar).
        if (job.environment === undefined)
          for (const m of text.matchAll(/\bsecrets\.([A-Za-z0-9_]+)/g))
            expect({
              at: where(file, id),
              secret: m[1],
              repositoryLevel: repositorySecrets.has(m[1]),
            }).toEqual({
              at: where(file, id),
              secret: m[1],
              repositoryLevel: true,
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
      const source = workflows.find(
        (w) =>
          w.file.variant === file.variant &&
          w.file.service === file.service &&
          w.file.path === PR_SOURCE_WORKFLOW,
      );
      const names = [...Object.values(wf.jobs), ...Object.values(source?.wf.jobs ?? {})].map(
        (j: any) => j.name,
      );
      for (const b of file.policy.protectedBranches) {
        for (const check of b.requiredChecks) expect(names).toContain(check);
        // The other way round: every STATUS_CHECKS job that reports on a pull request into the
        // branch is one of its required checks (a sonar team requires `sonar`), and nothing else.
        const reporting = [wf, source?.wf]
          .filter((w): w is NonNullable<typeof w> => w?.on.pull_request.branches.includes(b.name))
          .flatMap((w) => Object.entries(w.jobs) as [string, any][])
          .filter(([id, job]) => (Object.values(STATUS_CHECKS) as string[]).includes(id) && job.name === id)
          .map(([id]) => id);
        expect({ branch: b.name, checks: [...b.requiredChecks].sort() }).toEqual({
          branch: b.name,
          checks: reporting.sort(),
        });
        expect(b.requiredChecks.filter((c) => c === STATUS_CHECKS.sonar)).toEqual(qualityChecks(file.spec));
      }
      expect(wf.jobs[STATUS_CHECKS.sonar] !== undefined).toBe(file.spec.quality.sonar !== undefined);
      expect(wf.jobs.lint.name).toBe(STATUS_CHECKS.lint);
      expect(wf.jobs.test.name).toBe(STATUS_CHECKS.test);
      expect(wf.jobs["build-image"].name).toBe(STATUS_CHECKS.build);
    }
  });

  it("works on a fork: no vars, no OIDC token, no push; Sonar's token is the only secret", () => {
    for (const { file, wf } of prs) {
      expect(file.content).not.toMatch(/vars\.|id-token|docker push|docker login|--push/);
      for (const [id, job] of Object.entries(wf.jobs) as [string, any][]) {
        expect(job.environment).toBeUndefined();
        const secrets = [...JSON.stringify(job).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);
        expect({ id, secrets }).toEqual({
          id,
          secrets: id === STATUS_CHECKS.sonar ? [REPOSITORY_SECRETS.sonarToken] : [],
        });
      }
    }
  });

  it("re-runs pr-source when a pull request's base changes, and compares the head repository", () => {
    for (const { file, wf } of workflows.filter(({ file }) => file.path === PR_SOURCE_WORKFLOW)) {
      expect(wf.on.pull_request.types).toEqual(expect.arrayContaining(["edited", "opened", "synchronize"]));
      expect(wf.on.pull_request.branches).toEqual(
        file.policy.protectedBranches.filter((b) => b.sourceEnforcedByCheck).map((b) => b.name),
      );
      for (const step of wf.jobs[STATUS_CHECKS.prSource].steps)
        expect(step.env.HEAD_REPOSITORY).toBe("${{ github.event.pull_request.head.repo.full_name }}");
    }
  });

  it("lints with pre-commit and tests with the spec's coverage threshold", () => {
    for (const { file, wf } of prs) {
      expect(JSON.stringify(wf.jobs.lint.steps)).toContain("pre-commit run --all-files");
      const threshold = file.service.coverageThreshold ?? file.spec.coverageThreshold;
      const testStep = (wf.jobs.test.steps as any[]).find((s) => s.env?.COVERAGE_THRESHOLD !== undefined);
      expect(testStep.env.COVERAGE_THRESHOLD).toBe(threshold);
      if (file.service.commands?.test) expect(testStep.env.SERVICE_COMMAND).toBe(file.service.commands.test);
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
        // Trunk's production excludes the narrower rc pattern its own also matches; nothing else.
        const excluded =
          f.policy.model === "trunk" && d.role === "production" ? [`!${RC_TAG.patterns[0]}`] : [];
        const patterns = [...d.trigger.patterns, ...excluded];
        expect(wf.on).toEqual({
          push: d.trigger.kind === "branch" ? { branches: patterns } : { tags: patterns },
        });
        const guard = (wf.jobs.guard.steps as any[]).find((s) => s.id === "guard");
        expect(guard.env.TRIGGER_REGEX).toBe(d.trigger.regex);
        // A tag's commit must be on the policy's branch: the guard sees the whole history.
        // The branch comes from the policy's `requiredAncestorBranch`, the one source of truth.
        expect(guard.env.REQUIRED_ANCESTOR_BRANCH).toBe(d.requiredAncestorBranch);
        if (d.trigger.kind === "tag") {
          expect(guard.env.REQUIRED_ANCESTOR_BRANCH).toBeDefined();
          expect(wf.jobs.guard.steps[0].with["fetch-depth"]).toBe(0);
        }
        const deploy = wf.jobs.deploy;
        expect(deploy.needs).toContain("guard");
        expect(deploy.environment.name).toBe(d.environment);
        // One queue per environment for the whole run, not just the deploy job.
        expect(wf.concurrency).toEqual({ group: `deploy-${d.environment}`, "cancel-in-progress": false });
        expect(deploy.concurrency).toBeUndefined();
        expect(deploy.steps[0].with["role-to-assume"]).toBe(
          `\${{ vars.${ENVIRONMENT_VARIABLES.deployRoleArn} }}`,
        );
        // Only the build deployment builds; every other one re-tags an existing digest.
        const builds = Object.values(wf.jobs).some((j: any) =>
          JSON.stringify(j.steps).includes("docker buildx build"),
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
        // Production marks the digest it ran right after the deploy; every other environment marks
        // it passed after its smoke test (and regression suite), as its last step before Sentry.
        const steps = deploy.steps as any[];
        const running = steps.filter((s) => s.env?.MARK_TAG_PREFIX === runningImageTagPrefix(d.environment));
        // The step that writes the release parameter: the server's SSM deploy, or the record
        // after a Kubernetes rollout. The running marker follows it.
        const recordAt = steps.findIndex((s) => /put-parameter/.test(s.run ?? ""));
        expect(steps.indexOf(running[0])).toBe(recordAt + 1);
        const marks = steps.filter((s) => s.env?.MARK_TAG_PREFIX !== undefined && !running.includes(s));
        expect(marks.map((m) => m.env.MARK_TAG_PREFIX)).toEqual([
          d.role === "production" ? RELEASED_IMAGE_TAG_PREFIX : passedTagPrefix(d.environment),
        ]);
        expect(marks[0].env.IMAGE_DIGEST).toBe("${{ steps.image.outputs.digest }}");
        const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));
        const deployAt = recordAt;
        const markAt = steps.indexOf(marks[0]);
        if (d.role === "production") expect(markAt).toBe(deployAt + 2);
        else expect(markAt).toBeGreaterThan(at(/curl --fail/));
        expect(at(/REGRESSION_SUITE/) > deployAt).toBe(d.role === "staging");
        if (d.role === "staging") expect(markAt).toBeGreaterThan(at(/REGRESSION_SUITE/));
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

  it("reports every run to Slack from one final job when configured, and marks Sentry only when configured", () => {
    for (const { file, wf } of workflows.filter(
      ({ file }) => file.path.includes("/deploy-") || file.path === ROLLBACK_WORKFLOW,
    )) {
      const job = wf.jobs.deploy ?? wf.jobs.rollback;
      const slackSteps = Object.values(wf.jobs).flatMap((j: any) =>
        (j.steps as any[]).filter((s) => s.env?.SLACK_WEBHOOK !== undefined),
      );
      const sentry = (job.steps as any[]).filter((s) => s.env?.SENTRY_TOKEN !== undefined);
      if (file.spec.notifications.slack) {
        const notify = wf.jobs.notify;
        expect(notify.if).toBe("always()");
        expect([...notify.needs].sort()).toEqual(
          Object.keys(wf.jobs)
            .filter((k) => k !== "notify")
            .sort(),
        );
        expect(slackSteps).toHaveLength(1);
        expect(notify.steps[0].env.NEEDS_JSON).toBe("${{ toJSON(needs) }}");
        expect(notify.steps[0].env.SLACK_CHANNEL).toBe(file.spec.notifications.slack.channel);
        expect(notify.permissions).toEqual({});
      } else {
        expect(wf.jobs.notify).toBeUndefined();
        expect(slackSteps).toEqual([]);
      }
      expect(sentry).toHaveLength(file.spec.notifications.sentry ? 1 : 0);
      if (file.spec.notifications.sentry)
        expect(sentry[0].env.SENTRY_ORG).toBe(file.spec.notifications.sentry.org);
    }
  });
});

describe("runtime per environment (examples/kubernetes.yaml: integration on a server, staging and production on Kubernetes)", () => {
  const mixed = workflows.filter(({ file }) => file.variant.startsWith("mixed runtimes"));
  const stepsOf = (job: any) => job.steps as any[];
  const kubeStep = (s: any) => /kubectl rollout status/.test(s.run ?? "");
  const ssmStep = (s: any) => /send-command/.test(s.run ?? "");

  it("covers both services of the example", () => {
    expect(new Set(mixed.map(({ file }) => file.service.name))).toEqual(
      new Set(["cart-api", "payments-worker"]),
    );
  });

  it("deploys integration through SSM, staging and production by digest on Kubernetes, the same digest promoted", () => {
    for (const { file, wf } of mixed.filter(({ file }) => file.path.includes("/deploy-"))) {
      const environment = wf.jobs.deploy.environment.name as string;
      const steps = stepsOf(wf.jobs.deploy);
      const onKube = environment !== "integration";
      expect({ environment, ssm: steps.some(ssmStep), kube: steps.some(kubeStep) }).toEqual({
        environment,
        ssm: !onKube,
        kube: onKube,
      });
      // Built once (integration), promoted by digest: no build job beyond the build deployment.
      const d = file.policy.deployments.find((x) => x.environment === environment)!;
      expect(wf.jobs.image !== undefined).toBe(d.artifact === "build");
      if (!onKube) continue;
      const kube = steps.find(kubeStep);
      // After the credentials (AWS_REGION, EKS token) and the image step (the digest), no condition.
      expect(steps.indexOf(kube)).toBeGreaterThan(steps.findIndex((s) => s.id === "image"));
      expect(steps.findIndex((s) => s.with?.["role-to-assume"])).toBe(0);
      expect(kube.if).toBeUndefined();
      expect(kube.env).toMatchObject({
        IMAGE_DIGEST: "${{ steps.image.outputs.digest }}",
        ACTION: "deploy",
        KUBE_NAMESPACE: `\${{ vars.${ENVIRONMENT_VARIABLES.kubernetesNamespace} }}`,
        EKS_CLUSTER_NAME: `\${{ vars.${ENVIRONMENT_VARIABLES.eksClusterName} }}`,
        KUBE_TOKEN: `\${{ secrets.${ENVIRONMENT_SECRETS.kubernetesToken} }}`,
      });
      expect(kube.run).toMatch(/kubectl set image/);
      expect(kube.run).toMatch(/kubectl rollout undo/);
      expect(kube.env.ROLLOUT_TIMEOUT).toMatch(/^\d+m$/);
      // The release parameter is written right after the rollout, then the running marker.
      const record = steps[steps.indexOf(kube) + 1];
      expect(record.run).toMatch(/put-parameter/);
      expect(record.env.RELEASE_PARAMETER_NAME).toBe(
        `\${{ vars.${ENVIRONMENT_VARIABLES.releaseParameter} }}`,
      );
      expect(steps[steps.indexOf(kube) + 2].env.MARK_TAG_PREFIX).toBe(runningImageTagPrefix(environment));
      // The same smoke test (and in staging the regression suite) as on servers.
      expect(steps.some((s) => /curl --fail/.test(s.run ?? ""))).toBe(true);
      expect(steps.some((s) => /REGRESSION_SUITE/.test(s.run ?? ""))).toBe(d.role === "staging");
    }
  });

  it("rolls back with the runtime of the chosen environment: exactly one of the two runs", () => {
    const onKube = "inputs.environment == 'staging' || inputs.environment == 'production'";
    for (const { wf } of mixed.filter(({ file }) => file.path === ROLLBACK_WORKFLOW)) {
      const steps = stepsOf(wf.jobs.rollback);
      const ssm = steps.filter(ssmStep);
      const kube = steps.filter(kubeStep);
      expect(ssm.map((s) => s.if)).toEqual([`!(${onKube})`]);
      expect(kube.map((s) => s.if)).toEqual([onKube]);
      expect(kube[0].env.ACTION).toBe("rollback");
      // The digest the version check pinned (a release this environment ran), not a tag.
      expect(steps.findIndex((s) => s.id === "image")).toBeLessThan(steps.indexOf(kube[0]));
      expect(kube[0].env.IMAGE_DIGEST).toBe("${{ steps.image.outputs.digest }}");
      const record = steps[steps.indexOf(kube[0]) + 1];
      expect({ run: /put-parameter/.test(record.run), if: record.if }).toEqual({ run: true, if: onKube });
    }
  });

  it("a team on servers only keeps the SSM steps with no condition", () => {
    for (const { wf } of workflows.filter(
      ({ file }) => file.variant === "reference team" && file.path === ROLLBACK_WORKFLOW,
    )) {
      const steps = stepsOf(wf.jobs.rollback);
      expect(steps.filter(kubeStep)).toEqual([]);
      expect(steps.filter(ssmStep).map((s) => s.if)).toEqual([undefined]);
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
      expect(job.if).toBe(`github.ref == 'refs/heads/${file.policy.defaultBranch}'`);
      expect(wf.concurrency).toEqual({
        group: "deploy-${{ inputs.environment }}",
        "cancel-in-progress": false,
      });
      const steps = (job.steps as any[]).map((s) => s.run ?? "").join("\n");
      expect(steps).toMatch(/describe-images/);
      expect(steps).toMatch(/put-parameter/);
      expect(steps).toMatch(/curl --fail/);
      // Each runtime's deploy steps, conditioned on the chosen environment on a mixed team.
      const kube = file.spec.environments.filter((e) => e.runtime === "kubernetes").map((e) => e.name);
      expect(/send-command/.test(steps)).toBe(kube.length < file.spec.environments.length);
      expect(/kubectl rollout status/.test(steps)).toBe(kube.length > 0);
      // Production rolls back only to an image production ran (it carries released-…): no new marker.
      const production = file.policy.deployments.find((d) => d.role === "production");
      const find = (job.steps as any[]).find((s) => s.id === "image");
      expect(find.env.REQUIRE_RELEASED).toBe(
        production ? `\${{ inputs.environment == '${production.environment}' }}` : "false",
      );
      expect(
        (job.steps as any[])
          .filter((s) => s.env?.MARK_TAG_PREFIX !== undefined)
          .map((s) => s.env.MARK_TAG_PREFIX),
      ).toEqual(["running-${{ inputs.environment }}."]);
    }
  });
});

describe("shared stack plan: files committed with github.RepositoryFile", () => {
  it("commits every workflow and the pre-commit config to each repository's pipeline branches", async () => {
    const [shared] = await planStacks({ stacks: ["shared"] });
    const spec = referenceTeam();
    const policy = releasePolicy(spec);
    const component = shared.resources.find((r) => r.type === "delivery:pipeline:ServicePipelines");
    expect(component).toBeDefined();
    const planned = shared.resources.filter(
      (r) => r.type === "github:index/repositoryFile:RepositoryFile" && r.parent === component?.urn,
    );
    const branches = pipelineBranches(policy);
    const expected = spec.services.flatMap((s) =>
      pipelineFiles(spec, s, policy).map((f) => ({ service: s.name, ...f })),
    );
    expect(planned).toHaveLength(expected.length * branches.length);
    for (const f of expected) {
      const r = planned.find((p) => p.name === `${spec.name}-pipeline-${f.service}-${f.key}`);
      expect(r).toBeDefined();
      expect(r?.inputs).toMatchObject({
        repository: f.service,
        branch: policy.defaultBranch,
        file: f.path,
        content: f.content,
        overwriteOnCreate: true,
      });
      // Starts no workflow; no author, so a GitHub App's commit is GitHub's verified one.
      expect(String(r?.inputs.commitMessage)).toContain(f.path);
      expect(String(r?.inputs.commitMessage)).toContain("[skip ci]");
      expect(r?.inputs.commitAuthor).toBeUndefined();
      expect(r?.provider).toMatch(/pulumi:providers:github::/);
      expect(r?.ignoreChanges).toEqual(["repository"]);
    }
  });

  it("commits to master and pre-production under the pre-production model, and follows a renamed service", async () => {
    const spec = teamFor("pre-production", { services: [{ name: "orders", formerNames: ["order-api"] }] });
    const [shared] = await planStacks({ stacks: ["shared"], team: spec });
    const planned = shared.resources.filter(
      (r) =>
        r.type === "github:index/repositoryFile:RepositoryFile" && r.name.startsWith("payments-pipeline-"),
    );
    expect(planned.length).toBeGreaterThan(0);
    const byBranch = (b: string) => planned.filter((r) => r.inputs.branch === b).map((r) => r.inputs.file);
    expect(byBranch("master").length).toBeGreaterThan(0);
    expect(byBranch("pre-production").sort()).toEqual(byBranch("master").sort());
    for (const r of planned) {
      expect(r.aliases.join(" ")).toContain("payments-pipeline-order-api-");
    }
  });
});
