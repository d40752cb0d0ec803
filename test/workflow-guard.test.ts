/**
 * The generated scripts do what the policy says, run with bash as GitHub runs them:
 *  - property: for any tag or branch name, a deploy workflow's guard deploys exactly when the
 *    release policy's regex assigns that ref to its environment (and fails loudly on a ref that
 *    matches its coarse trigger but no exact rule); a tag must point at a commit of the policy's
 *    branch (real git history);
 *  - property: the pr-source check admits exactly the branches the policy allows, of this
 *    repository only (a fork's `staging` is refused);
 *  - the deploy step runs the service's SSM document with the image and release, waits for every
 *    server, and writes the release parameter only after every server succeeded;
 *  - markers: `released-<version>` in production, `passed-<env>-<version>` elsewhere, written
 *    once, a re-run is a no-op, a marker on another digest fails;
 *  - rollback: production accepts only an image production ran.
 * The AWS CLI is a stub on PATH (test/pipeline-harness.ts); everything else is real bash and git.
 */
import * as fc from "fast-check";
import {
  DEPLOY_DOCUMENT_PARAMETERS,
  deploymentFor,
  passedTagPrefix,
  RELEASED_IMAGE_TAG_PREFIX,
  releasePolicy,
  runningImageTagPrefix,
  type RefKind,
} from "../components/release";
import {
  deployWorkflowPath,
  pipelineFiles,
  PR_SOURCE_WORKFLOW,
  ROLLBACK_WORKFLOW,
} from "../components/pipeline";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";
import { gitRepo, runStep, stubAws, type StepData, type StubAws } from "./pipeline-harness";
import { filterMatches } from "./pipeline-runner";
import { parseWorkflow } from "./workflow-variants";

function workflowOf(spec: ReturnType<typeof referenceTeam>, file: string) {
  const policy = releasePolicy(spec);
  const f = pipelineFiles(spec, spec.services[0], policy).find((x) => x.path === file);
  if (!f) throw new Error(`no ${file}`);
  return parseWorkflow(f.content);
}
const stepWith = (job: { steps: unknown[] }, test: (s: StepData) => boolean) =>
  (job.steps as StepData[]).find(test) as StepData;

// Names around the release-tag grammar: valid ones, near misses and hostile characters.
const num = fc.oneof(
  fc.nat({ max: 30 }).map(String),
  fc.constantFrom("007", "01", "0", "10", "999999", "1234567890"),
);
const tagName = fc.oneof(
  fc.tuple(num, num, num).map(([a, b, c]) => `v${a}.${b}.${c}`),
  fc.tuple(num, num, num, num).map(([a, b, c, n]) => `v${a}.${b}.${c}-rc.${n}`),
  fc
    .tuple(
      fc.constantFrom("v", "V", "", "vv", "release-v"),
      num,
      fc.constantFrom(".", "-", "..", "–", ""),
      num,
      fc.constantFrom(".", ""),
      fc.oneof(num, fc.constantFrom("x", "٣", "")),
      fc.constantFrom("", "-rc.", "-rc", "-rc.1.2", "-beta.1", "-RC.1", " ", "\t1", "-rc.x"),
      fc.oneof(num, fc.constant("")),
    )
    .map((parts) => parts.join("")),
  fc.string({ unit: fc.constantFrom("v", "1", "2", ".", "-", "r", "c", "0", "9", "a"), maxLength: 14 }),
);
const branchName = fc.oneof(
  fc.constantFrom(
    "main",
    "master",
    "staging",
    "pre-production",
    "Main",
    "main ",
    "xmain",
    "main2",
    "staging/x",
  ),
  fc.string({
    unit: fc.constantFrom("m", "a", "i", "n", "s", "t", "g", "-", "/", "p", "r", "e"),
    maxLength: 12,
  }),
);

describe("guard: the generated regex check agrees with the release policy", () => {
  const specs = [
    { label: "reference team", spec: referenceTeam() },
    ...BRANCH_MODELS_UNDER_TEST.map((m) => ({ label: m, spec: teamFor(m) })),
  ];
  for (const { label, spec } of specs) {
    const policy = releasePolicy(spec);
    // Every protected branch exists, one commit ahead of the default branch.
    const repo = gitRepo(policy.defaultBranch);
    const heads = new Map<string, string>();
    for (const b of policy.protectedBranches) heads.set(b.name, repo.commit(b.name, `on ${b.name}`));
    for (const d of policy.deployments) {
      it(`${label}: deploy-${d.environment} (${d.trigger.label})`, () => {
        const guard = stepWith(
          workflowOf(spec, deployWorkflowPath(d.environment)).jobs.guard,
          (s) => s.id === "guard",
        );
        const kind: RefKind = d.trigger.kind;
        const sha = heads.get(d.sourceBranch) as string;
        fc.assert(
          fc.property(kind === "tag" ? tagName : branchName, (name) => {
            const r = runStep(
              guard,
              { REF_TYPE: kind, REF_NAME: name, COMMIT_SHA: sha },
              { cwd: repo.clone },
            );
            const owner = deploymentFor(policy, kind, name);
            if (owner?.environment === d.environment) {
              expect(r.status).toBe(0);
              expect(r.outputs.deploy).toBe("true");
              expect(r.outputs.version).toBe(kind === "tag" ? name : `sha-${sha}`);
            } else if (owner) {
              expect(r.status).toBe(0);
              expect(r.outputs.deploy).toBe("false");
            } else {
              expect(r.status).not.toBe(0);
              expect(r.outputs.deploy).toBeUndefined();
              expect(r.stdout).toContain("::error::");
            }
          }),
          { numRuns: 80 },
        );
      });

      if (d.trigger.kind === "tag") {
        it(`${label}: deploy-${d.environment} refuses a tag on a commit that is not on ${d.requiredAncestorBranch}`, () => {
          const guard = stepWith(
            workflowOf(spec, deployWorkflowPath(d.environment)).jobs.guard,
            (s) => s.id === "guard",
          );
          const elsewhere = repo.commit(`feature/off-${d.environment}`, "never merged");
          const name = d.role === "production" ? "v1.2.3" : "v1.2.3-rc.1";
          const r = runStep(
            guard,
            { REF_TYPE: "tag", REF_NAME: name, COMMIT_SHA: elsewhere },
            { cwd: repo.clone },
          );
          expect(r.status).not.toBe(0);
          expect(r.stdout).toContain(
            `::error::tag ${name} points at ${elsewhere}, which is not on ${d.requiredAncestorBranch}`,
          );
          expect(r.outputs.deploy).toBeUndefined();
        });
      }
    }
  }

  it("pre-production: a release tag on a master commit never promoted to pre-production deploys nothing", () => {
    const spec = teamFor("pre-production");
    const repo = gitRepo("master");
    repo.commit("pre-production", "promoted earlier");
    const onMaster = repo.commit("master", "merged to master only");
    const guard = stepWith(
      workflowOf(spec, deployWorkflowPath("production")).jobs.guard,
      (s) => s.id === "guard",
    );
    const r = runStep(
      guard,
      { REF_TYPE: "tag", REF_NAME: "v2.0.0", COMMIT_SHA: onMaster },
      { cwd: repo.clone },
    );
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("which is not on pre-production");
  });

  it("refuses a ref of the wrong kind with the right name (a branch called like a tag)", () => {
    const spec = referenceTeam();
    const repo = gitRepo("main");
    const sha = repo.commit("main", "x");
    const guard = stepWith(
      workflowOf(spec, deployWorkflowPath("production")).jobs.guard,
      (s) => s.id === "guard",
    );
    expect(
      runStep(guard, { REF_TYPE: "branch", REF_NAME: "v1.2.3", COMMIT_SHA: sha }, { cwd: repo.clone }).status,
    ).not.toBe(0);
    expect(
      runStep(guard, { REF_TYPE: "tag", REF_NAME: "v1.2.3", COMMIT_SHA: sha }, { cwd: repo.clone }).outputs
        .deploy,
    ).toBe("true");
  });
});

describe("trigger filters: every ref the exact rule gives an environment starts its workflow, no other rule's", () => {
  for (const model of BRANCH_MODELS_UNDER_TEST) {
    const spec = teamFor(model);
    const policy = releasePolicy(spec);
    for (const d of policy.deployments) {
      it(`${model}: deploy-${d.environment}`, () => {
        const on = workflowOf(spec, deployWorkflowPath(d.environment)).on.push;
        const patterns: string[] = d.trigger.kind === "tag" ? on.tags : on.branches;
        const valid = fc.tuple(
          fc.nat({ max: 999 }),
          fc.nat({ max: 999 }),
          fc.nat({ max: 999 }),
          fc.nat({ max: 99 }),
        );
        const names =
          d.trigger.kind === "tag"
            ? fc.oneof(
                tagName,
                valid.map(([a, b, c]) => `v${a}.${b}.${c}`),
                valid.map(([a, b, c, n]) => `v${a}.${b}.${c}-rc.${n}`),
              )
            : branchName;
        fc.assert(
          fc.property(names, (name) => {
            const owner = deploymentFor(policy, d.trigger.kind, name);
            if (owner === d)
              expect({ name, starts: filterMatches(patterns, name) }).toEqual({ name, starts: true });
            else if (owner)
              expect({ name, starts: filterMatches(patterns, name) }).toEqual({ name, starts: false });
          }),
          { numRuns: 300 },
        );
      });
    }
  }
});

describe("pr-source: only the allowed branch of this repository may open pull requests into a promotion branch", () => {
  for (const model of BRANCH_MODELS_UNDER_TEST) {
    const spec = teamFor(model);
    const policy = releasePolicy(spec);
    const restricted = policy.protectedBranches.filter((b) => b.sourceEnforcedByCheck);
    const files = pipelineFiles(spec, spec.services[0], policy);
    const source = files.find((f) => f.path === PR_SOURCE_WORKFLOW);

    it(`${model}: a pr-source workflow exactly when a branch restricts its sources`, () => {
      expect(source !== undefined).toBe(restricted.length > 0);
    });

    for (const b of restricted) {
      const job = parseWorkflow(source?.content ?? "").jobs["pr-source"];
      const step = stepWith(job, (s) => s.if === `github.base_ref == '${b.name}'`);
      it(`${model}: pull requests into ${b.name}`, () => {
        expect(step).toBeDefined();
        fc.assert(
          fc.property(branchName, (head) => {
            const r = runStep(step, {
              BASE_REF: b.name,
              HEAD_REF: head,
              HEAD_REPOSITORY: "acme/api",
              REPOSITORY: "acme/api",
            });
            const allowed = b.pullRequestsFrom.some((m) => new RegExp(m.regex).test(head));
            expect(r.status === 0).toBe(allowed);
          }),
          { numRuns: 60 },
        );
      });

      it(`${model}: a fork's branch named like the allowed one is refused`, () => {
        const allowed = b.pullRequestsFrom[0].patterns[0];
        const r = runStep(step, {
          BASE_REF: b.name,
          HEAD_REF: allowed,
          HEAD_REPOSITORY: "mallory/api",
          REPOSITORY: "acme/api",
        });
        expect(r.status).not.toBe(0);
        expect(r.stdout).toContain(`of acme/api, not from mallory/api`);
      });
    }
  }
});

const REGISTRY_URL = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";
const DIGEST = "sha256:" + "a".repeat(64);
const OTHER = "sha256:" + "b".repeat(64);

describe("deploy step: the service's SSM document, then the release parameter", () => {
  const deploy = workflowOf(referenceTeam(), deployWorkflowPath("staging")).jobs.deploy;
  const step = stepWith(deploy, (s) => s.run?.includes("send-command"));
  const env = {
    SERVER_INSTANCE_IDS: "i-0abc,i-0def",
    DEPLOY_DOCUMENT: "checkout-staging-cart-api-deploy",
    REGISTRY_URL,
    IMAGE_DIGEST: DIGEST,
    SENTRY_RELEASE: `cart-api@${"c".repeat(40)}`,
    RELEASE_PARAMETER_NAME: "/checkout/staging/cart-api/release",
    SERVICE: "cart-api",
    VERSION: "v1.2.3-rc.1",
    TARGET_ENVIRONMENT: "staging",
    DEPLOY_POLL_SECONDS: "0",
  };
  const run = (aws: StubAws, extra: Record<string, string> = {}) =>
    runStep(step, { ...aws.env, ...env, ...extra }, { pathPrefix: aws.dir });

  it("sends the document with the image by digest and the release, and records the release after success", () => {
    expect(step.env?.DOCUMENT_IMAGE_PARAMETER).toBe(DEPLOY_DOCUMENT_PARAMETERS.image);
    expect(step.env?.DOCUMENT_RELEASE_PARAMETER).toBe(DEPLOY_DOCUMENT_PARAMETERS.release);
    const aws = stubAws({ status: "Success", agentOutput: "serving" });
    const r = run(aws);
    expect(r.status).toBe(0);
    expect(aws.state().sent).toEqual([
      {
        document: env.DEPLOY_DOCUMENT,
        parameters: { image: [`${REGISTRY_URL}@${DIGEST}`], release: [env.SENTRY_RELEASE] },
      },
    ]);
    expect(aws.calls()).toContain("--instance-ids i-0abc i-0def");
    expect(aws.state().parameters).toEqual({ [env.RELEASE_PARAMETER_NAME]: `${REGISTRY_URL}@${DIGEST}` });
    // The parameter is written after the last server answered.
    const calls = aws.calls().split("\n");
    expect(calls.findIndex((c) => c.startsWith("ssm put-parameter"))).toBeGreaterThan(
      calls.map((c) => c.startsWith("ssm get-command-invocation")).lastIndexOf(true),
    );
  });

  it("fails with the agent's output and writes nothing when one server fails", () => {
    const aws = stubAws({
      statusOf: { "i-0def": "Failed" },
      agentOutput: "health check failed; old release serving",
    });
    const r = run(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("agent on i-0def says: health check failed; old release serving");
    expect(r.stdout).toContain("::error::checkout-staging-cart-api-deploy on i-0def: Failed");
    expect(r.stdout).toContain("release parameter unchanged");
    expect(aws.state().parameters).toBeUndefined();
  });

  it("writes nothing when SSM refuses the command or a server never finishes", () => {
    const refused = stubAws({ sendFails: true });
    expect(run(refused).status).not.toBe(0);
    expect(refused.state().parameters).toBeUndefined();
    const stuck = stubAws({ status: "InProgress" });
    const r = run(stuck, { DEPLOY_TIMEOUT_SECONDS: "0" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("still InProgress after 0 seconds");
    expect(stuck.state().parameters).toBeUndefined();
  });

  it("fails when the environment has no servers", () => {
    const aws = stubAws({});
    const r = run(aws, { SERVER_INSTANCE_IDS: "" });
    expect(r.status).not.toBe(0);
    expect(aws.state().sent).toBeUndefined();
  });
});

describe("markers: released- in production, passed-<env>- elsewhere", () => {
  const markStep = (job: { steps: unknown[] }) =>
    stepWith(
      job,
      (s) => s.env?.MARK_TAG_PREFIX !== undefined && !String(s.env.MARK_TAG_PREFIX).startsWith("running-"),
    );
  const mark = markStep(workflowOf(referenceTeam(), deployWorkflowPath("production")).jobs.deploy);
  const run = (aws: StubAws, env: Record<string, string> = {}) =>
    runStep(
      mark,
      { ...aws.env, REGISTRY_URL, IMAGE_DIGEST: DIGEST, VERSION: "v1.2.3", ...env },
      { pathPrefix: aws.dir },
    );
  const puts = (calls: string) => calls.split("\n").filter((l) => l.startsWith("ecr put-image")).length;

  it("tags the deployed digest released-<version> through the API, and a re-run is a no-op", () => {
    expect(mark.env?.MARK_TAG_PREFIX).toBe(RELEASED_IMAGE_TAG_PREFIX);
    const aws = stubAws({ digests: { "v1.2.3": DIGEST } });
    expect(run(aws).status).toBe(0);
    expect(aws.calls()).toContain(
      `ecr put-image --repository-name checkout/cart-api --image-tag ${RELEASED_IMAGE_TAG_PREFIX}v1.2.3 --image-digest ${DIGEST} `,
    );
    const again = run(aws);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3 already names ${DIGEST}`);
    expect(puts(aws.calls())).toBe(1);
  });

  it("fails loudly when the marker already names another digest, and changes nothing", () => {
    const aws = stubAws({ digests: { [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]: OTHER } });
    const r = run(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(
      `::error::${RELEASED_IMAGE_TAG_PREFIX}v1.2.3 already names ${OTHER}, not ${DIGEST}`,
    );
    expect(puts(aws.calls())).toBe(0);
  });

  it("a put that loses a race decides by what the registry then holds", () => {
    expect(run(stubAws({ late: { [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]: DIGEST } })).status).toBe(0);
    const r = run(stubAws({ late: { [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]: OTHER } }));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error::could not tag ${DIGEST} as ${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`);
  });

  for (const model of BRANCH_MODELS_UNDER_TEST) {
    it(`${model}: each environment marks the version its guard produced, with its own prefix`, () => {
      const spec = teamFor(model);
      for (const d of releasePolicy(spec).deployments) {
        const step = markStep(workflowOf(spec, deployWorkflowPath(d.environment)).jobs.deploy);
        const prefix = d.role === "production" ? RELEASED_IMAGE_TAG_PREFIX : passedTagPrefix(d.environment);
        expect(step.env?.MARK_TAG_PREFIX).toBe(prefix);
        const version = d.trigger.kind === "tag" ? "v2.0.0" : `sha-${"c".repeat(40)}`;
        const aws = stubAws({});
        const r = runStep(
          step,
          { ...aws.env, REGISTRY_URL, IMAGE_DIGEST: DIGEST, VERSION: version },
          { pathPrefix: aws.dir },
        );
        expect(r.status).toBe(0);
        expect(aws.state().digests).toEqual({ [`${prefix}${version}`]: DIGEST });
      }
    });
  }
});

describe("rollback: production runs again only what production ran", () => {
  const rollback = workflowOf(referenceTeam(), ROLLBACK_WORKFLOW).jobs.rollback;
  const find = stepWith(rollback, (s) => s.id === "image");
  const run = (aws: StubAws, env: Record<string, string>) =>
    runStep(
      find,
      { ...aws.env, REGISTRY_URL, TARGET_ENVIRONMENT: "production", ...env },
      { pathPrefix: aws.dir },
    );
  const sha = "d".repeat(40);
  const registry = () =>
    stubAws({
      digests: {
        "v1.2.2": DIGEST,
        [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.2`]: DIGEST,
        [`sha-${sha}`]: DIGEST,
        "v1.2.3-rc.1": OTHER,
      },
    });

  it("accepts a release production ran (by any of its tags) and names its build commit", () => {
    for (const version of ["v1.2.2", `sha-${sha}`]) {
      const r = run(registry(), { VERSION: version, REQUIRE_RELEASED: "true" });
      expect(r.status).toBe(0);
      expect(r.outputs).toEqual({ digest: DIGEST, commit: sha });
    }
  });

  it("refuses a candidate production never ran, an unknown tag and a name of no known kind", () => {
    const never = run(registry(), { VERSION: "v1.2.3-rc.1", REQUIRE_RELEASED: "true" });
    expect(never.status).not.toBe(0);
    expect(never.stdout).toContain("never ran in production");
    const missing = run(registry(), { VERSION: "v9.9.9", REQUIRE_RELEASED: "true" });
    expect(missing.stdout).toContain("::error::v9.9.9 is not in checkout/cart-api");
    const odd = run(registry(), { VERSION: "latest", REQUIRE_RELEASED: "true" });
    expect(odd.stdout).toContain("::error::latest is not a release tag or build tag");
  });

  // rollback.yml runs from the default branch, which every environment admits, and staging has
  // no reviewers: the marker check is what keeps a writer's dispatch to what staging ran.
  it("in staging, only a digest staging ran (its own running- marker), whatever tag names it", () => {
    const staging = (version: string, digests: Record<string, string>) =>
      run(stubAws({ digests }), {
        VERSION: version,
        REQUIRE_RELEASED: "false",
        TARGET_ENVIRONMENT: "staging",
        RUNNING_IMAGE_TAG_PREFIX: String(find.env!.RUNNING_IMAGE_TAG_PREFIX).replace(
          "${{ inputs.environment }}",
          "staging",
        ),
      });
    const ran = { "v1.2.3-rc.1": OTHER, [`running-staging.v1.2.3-rc.1`]: OTHER, [`sha-${sha}`]: DIGEST };
    const ok = staging("v1.2.3-rc.1", ran);
    expect(ok.status).toBe(0);
    expect(ok.outputs.digest).toBe(OTHER);
    // A build of the default branch that never ran in staging (only in integration) is refused.
    const never = staging(`sha-${sha}`, { ...ran, [`running-integration.sha-${sha}`]: DIGEST });
    expect(never.status).not.toBe(0);
    expect(never.stdout).toContain("never ran in staging (no running-staging.… tag)");
    expect(never.outputs.digest).toBeUndefined();
    // Another environment's marker with a name that starts the same does not count.
    const lookalike = staging(`sha-${sha}`, { ...ran, [`running-staging-eu.sha-${sha}`]: DIGEST });
    expect(lookalike.status).not.toBe(0);
  });

  it("the workflow passes the target environment's own running- prefix", () => {
    expect(find.env?.RUNNING_IMAGE_TAG_PREFIX).toBe(runningImageTagPrefix("${{ inputs.environment }}"));
  });
});
