/**
 * The generated scripts do what the policy says, run with bash as GitHub runs them:
 *  - property: for any tag or branch name, a deploy workflow's guard deploys exactly when the
 *    release policy's regex assigns that ref to its environment (and fails loudly on a ref
 *    that matches its coarse trigger but no exact rule);
 *  - property: the pr-source check admits exactly the branches the policy allows;
 *  - promote-latest-rc picks the newest rc numerically and fails clearly when there is none;
 *  - the deploy step fails with the agent's output when SSM reports a failure;
 *  - production marks the digest it runs `released-<version>`: a re-run (or a rollback to a
 *    released image) finds the marker on the same digest, a marker on another digest fails.
 * The AWS CLI is replaced by a small stub on PATH; everything else is real bash.
 */
import { spawnSync } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DEPLOY_AGENT_PATH,
  deploymentFor,
  RELEASED_IMAGE_TAG_PREFIX,
  releasePolicy,
  type RefKind,
} from "../components/release";
import {
  deployWorkflowPath,
  PULL_REQUEST_WORKFLOW,
  pipelineFiles,
  ROLLBACK_WORKFLOW,
} from "../components/pipeline";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";
import { parseWorkflow } from "./workflow-variants";

type StepData = { name: string; id?: string; if?: string; run: string; env?: Record<string, unknown> };

const work = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-guard-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs a step's script the way GitHub does (`bash --noprofile --norc -eo pipefail file`). */
function runStep(step: StepData, env: Record<string, string>, pathPrefix?: string) {
  const file = path.join(work, `step-${Math.random().toString(36).slice(2)}.sh`);
  const output = `${file}.out`;
  fs.writeFileSync(file, step.run);
  fs.writeFileSync(output, "");
  // Literal values from the workflow; expressions (`${{ }}`) are what the test supplies.
  const literal: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) if (!String(v).includes("${{")) literal[k] = String(v);
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
    env: {
      PATH: pathPrefix ? `${pathPrefix}:${process.env.PATH}` : process.env.PATH,
      LANG: "C.UTF-8",
      ...literal,
      ...env,
      GITHUB_OUTPUT: output,
    },
    encoding: "utf8",
  });
  const outputs: Record<string, string> = {};
  for (const line of fs.readFileSync(output, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  fs.rmSync(file);
  fs.rmSync(output);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
}

function workflowOf(spec: ReturnType<typeof referenceTeam>, file: string) {
  const policy = releasePolicy(spec);
  const f = pipelineFiles(spec, spec.services[0], policy).find((x) => x.path === file);
  if (!f) throw new Error(`no ${file}`);
  return parseWorkflow(f.content);
}

// Names around the release-tag grammar: valid ones, near misses and hostile characters.
const num = fc.oneof(fc.nat({ max: 30 }).map(String), fc.constantFrom("007", "10", "999999"));
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
    for (const d of policy.deployments) {
      it(`${label}: deploy-${d.environment} (${d.trigger.label})`, () => {
        const guard = workflowOf(spec, deployWorkflowPath(d.environment)).jobs.guard.steps[0] as StepData;
        const kind: RefKind = d.trigger.kind;
        fc.assert(
          fc.property(kind === "tag" ? tagName : branchName, (name) => {
            const r = runStep(guard, { REF_TYPE: kind, REF_NAME: name, COMMIT_SHA: "a".repeat(40) });
            const owner = deploymentFor(policy, kind, name);
            if (owner?.environment === d.environment) {
              expect(r.status).toBe(0);
              expect(r.outputs.deploy).toBe("true");
              expect(r.outputs.version).toBe(kind === "tag" ? name : `sha-${"a".repeat(40)}`);
            } else if (owner) {
              expect(r.status).toBe(0);
              expect(r.outputs.deploy).toBe("false");
            } else {
              expect(r.status).not.toBe(0);
              expect(r.outputs.deploy).toBeUndefined();
              expect(r.stdout).toContain("::error::");
            }
          }),
          { numRuns: 120 },
        );
      });
    }
  }

  it("refuses a ref of the wrong kind with the right name (a branch called like a tag)", () => {
    const spec = referenceTeam();
    const guard = workflowOf(spec, deployWorkflowPath("production")).jobs.guard.steps[0] as StepData;
    expect(
      runStep(guard, { REF_TYPE: "branch", REF_NAME: "v1.2.3", COMMIT_SHA: "b".repeat(40) }).status,
    ).not.toBe(0);
    expect(
      runStep(guard, { REF_TYPE: "tag", REF_NAME: "v1.2.3", COMMIT_SHA: "b".repeat(40) }).outputs.deploy,
    ).toBe("true");
  });
});

describe("pr-source: only the allowed branch may open pull requests into a promotion branch", () => {
  for (const model of BRANCH_MODELS_UNDER_TEST) {
    const spec = teamFor(model);
    const policy = releasePolicy(spec);
    const restricted = policy.protectedBranches.filter((b) => b.sourceEnforcedByCheck);
    const job = workflowOf(spec, PULL_REQUEST_WORKFLOW).jobs["pr-source"];

    it(`${model}: a pr-source job exactly when a branch restricts its sources`, () => {
      expect(job !== undefined).toBe(restricted.length > 0);
    });

    for (const b of restricted) {
      it(`${model}: pull requests into ${b.name}`, () => {
        const step = (job.steps as StepData[]).find((s) => s.if === `github.base_ref == '${b.name}'`);
        expect(step).toBeDefined();
        fc.assert(
          fc.property(branchName, (head) => {
            const r = runStep(step as StepData, { BASE_REF: b.name, HEAD_REF: head });
            const allowed = b.pullRequestsFrom.some((m) => new RegExp(m.regex).test(head));
            expect(r.status === 0).toBe(allowed);
          }),
          { numRuns: 80 },
        );
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// A stub AWS CLI: tags and digests from a JSON file, every call logged.

const STUB = `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$STUB_LOG"
tag_of() { for a in "$@"; do case "$a" in imageTag=*) echo "\${a#imageTag=}";; esac; done; }
arg() { local want="$1"; shift; while (( $# > 1 )); do if [[ "$1" == "$want" ]]; then echo "$2"; return; fi; shift; done; }
update() { jq "$@" "$STUB_STATE" > "$STUB_STATE.new"; mv "$STUB_STATE.new" "$STUB_STATE"; }
case "$1 $2" in
  "ecr list-images") jq -c '.tags' "$STUB_STATE" ;;
  "ecr describe-images")
    # A tag names .digests[tag] if set, else sha256:digest-of-<tag> when listed in .tags.
    t="$(tag_of "$@")"
    d="$(jq -r --arg t "$t" '(.digests // {})[$t] // (if (.tags | index($t)) != null then "sha256:digest-of-" + $t else "" end)' "$STUB_STATE")"
    if [[ -n "$d" ]]; then echo "$d"; else echo "An error occurred (ImageNotFoundException)" >&2; exit 254; fi ;;
  "ecr batch-get-image") case "$*" in *imageManifestMediaType*) echo "application/vnd.oci.image.manifest.v1+json";; *) echo '{"schemaVersion":2}';; esac ;;
  "ecr put-image")
    # Immutable tags, as ECR: an existing tag fails. .late holds tags another run adds between
    # our look-up and our put (a race): they appear, and the put fails.
    t="$(arg --image-tag "$@")"
    d="$(arg --image-digest "$@")"
    if jq -e --arg t "$t" '(.late // {}) | has($t)' "$STUB_STATE" > /dev/null; then
      update --arg t "$t" '.digests = ((.digests // {}) + {($t): .late[$t]}) | del(.late[$t])'
      echo "An error occurred (ImageAlreadyExistsException)" >&2; exit 254
    fi
    if jq -e --arg t "$t" '((.tags | index($t)) != null) or ((.digests // {}) | has($t))' "$STUB_STATE" > /dev/null; then
      echo "An error occurred (ImageTagAlreadyExistsException)" >&2; exit 254
    fi
    update --arg t "$t" --arg d "\${d:-sha256:put}" '.digests = ((.digests // {}) + {($t): $d})'
    echo "put" ;;
  "ssm send-command") echo "command-1" ;;
  "ssm get-command-invocation")
    case "$*" in *StandardOutputContent*) echo "agent says: $(jq -r '.agentOutput' "$STUB_STATE")";; *) jq -r '.status' "$STUB_STATE";; esac ;;
  "ssm put-parameter") ;;
  *) echo "stub aws: unexpected $*" >&2; exit 2 ;;
esac
`;

type StubState = {
  tags: string[];
  digests?: Record<string, string>;
  late?: Record<string, string>;
  status?: string;
  agentOutput?: string;
};

function stubAws(state: StubState) {
  const dir = fs.mkdtempSync(path.join(work, "aws-"));
  fs.writeFileSync(path.join(dir, "aws"), STUB, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
  const log = path.join(dir, "log");
  fs.writeFileSync(log, "");
  return {
    dir,
    env: { STUB_STATE: path.join(dir, "state.json"), STUB_LOG: log },
    calls: () => fs.readFileSync(log, "utf8"),
    state: () => JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as StubState,
  };
}

const REGISTRY_URL = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";

describe("promote-latest-rc (reference team, production)", () => {
  const deploy = workflowOf(referenceTeam(), deployWorkflowPath("production")).jobs.deploy;
  const promote = (deploy.steps as StepData[]).find((s) => s.id === "image") as StepData;

  it("re-tags the numerically newest rc of the version, never a build", () => {
    expect(promote.run).not.toMatch(/docker (build|push)/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.uniqueArray(fc.nat({ max: 99 }), { maxLength: 4 }),
        (rcs, noise) => {
          const tags = [
            ...rcs.map((n) => `v1.2.3-rc.${n}`),
            ...noise.map((n) => `v1.2.30-rc.${n}`),
            ...noise.map((n) => `v1.2.4-rc.${n + 100}`),
            "sha-" + "c".repeat(40),
          ];
          const aws = stubAws({ tags });
          const r = runStep(promote, { ...aws.env, REGISTRY_URL, VERSION: "v1.2.3" }, aws.dir);
          const newest = `v1.2.3-rc.${Math.max(...rcs)}`;
          expect(r.status).toBe(0);
          expect(r.outputs.digest).toBe(`sha256:digest-of-${newest}`);
          expect(aws.calls()).toContain(
            "ecr put-image --repository-name checkout/cart-api --image-tag v1.2.3 ",
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it("fails clearly when the version has no release candidate", () => {
    const aws = stubAws({ tags: ["v1.2.30-rc.1", "v1.2.4-rc.2", "sha-" + "d".repeat(40)] });
    const r = runStep(promote, { ...aws.env, REGISTRY_URL, VERSION: "v1.2.3" }, aws.dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("::error::no release candidate of v1.2.3");
    expect(aws.calls()).not.toContain("put-image");
  });
});

describe("deploy step: the agent's result decides", () => {
  const spec = referenceTeam();
  const deploy = workflowOf(spec, deployWorkflowPath("staging")).jobs.deploy;
  const agent = (deploy.steps as StepData[]).find((s) => s.run?.includes("send-command")) as StepData;
  const env = { SERVER_INSTANCE_IDS: "i-0abc,i-0def", SERVICE: "cart-api", VERSION: "v1.2.3-rc.1" };

  it("runs `deploy-agent deploy <service>` with AWS-RunShellScript on every server", () => {
    const aws = stubAws({ tags: [], status: "Success", agentOutput: "serving v1.2.3-rc.1" });
    const r = runStep(agent, { ...aws.env, ...env }, aws.dir);
    expect(r.status).toBe(0);
    expect(aws.calls()).toContain("--document-name AWS-RunShellScript --instance-ids i-0abc i-0def");
    expect(aws.calls()).toContain(`{"commands":["${DEPLOY_AGENT_PATH} deploy cart-api"]}`);
  });

  it("fails with the agent's output when a server reports failure", () => {
    const aws = stubAws({
      tags: [],
      status: "Failed",
      agentOutput: "health check failed; v1.2.2 still serving",
    });
    const r = runStep(agent, { ...aws.env, ...env }, aws.dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("agent says: health check failed; v1.2.2 still serving");
    expect(r.stdout).toContain(`::error::${DEPLOY_AGENT_PATH} deploy cart-api on i-0abc: Failed`);
  });
});

describe("released marker: production tags the digest it runs", () => {
  const markStep = (job: { steps: unknown[] }) =>
    (job.steps as StepData[]).find((s) => s.env?.RELEASED_IMAGE_TAG_PREFIX !== undefined) as StepData;
  const deploy = workflowOf(referenceTeam(), deployWorkflowPath("production")).jobs.deploy;
  const mark = markStep(deploy);
  const DIGEST = "sha256:" + "a".repeat(64);
  const OTHER = "sha256:" + "b".repeat(64);
  const run = (aws: ReturnType<typeof stubAws>, env: Record<string, string> = {}) =>
    runStep(mark, { ...aws.env, REGISTRY_URL, IMAGE_DIGEST: DIGEST, VERSION: "v1.2.3", ...env }, aws.dir);
  const puts = (calls: string) => calls.split("\n").filter((l) => l.startsWith("ecr put-image")).length;

  it("runs after the agent succeeded and before the smoke test, with the contract's prefix", () => {
    const steps = deploy.steps as StepData[];
    const agent = steps.findIndex((s) => s.run?.includes("send-command"));
    const smoke = steps.findIndex((s) => s.run?.includes("curl --fail") && s.env?.HEALTH_PATH !== undefined);
    expect(agent).toBeGreaterThan(-1);
    expect(steps.indexOf(mark)).toBe(agent + 1);
    expect(smoke).toBe(agent + 2);
    expect(mark.if).toBeUndefined();
    expect(mark.env?.RELEASED_IMAGE_TAG_PREFIX).toBe(RELEASED_IMAGE_TAG_PREFIX);
  });

  it("tags the deployed digest released-<version> through the API, and a re-run is a no-op", () => {
    const aws = stubAws({ tags: [], digests: { "v1.2.3": DIGEST, "v1.2.3-rc.2": DIGEST } });
    const first = run(aws);
    expect(first.status).toBe(0);
    expect(aws.calls()).toContain(
      `ecr batch-get-image --repository-name checkout/cart-api --image-ids imageDigest=${DIGEST}`,
    );
    expect(aws.calls()).toContain(
      `ecr put-image --repository-name checkout/cart-api --image-tag ${RELEASED_IMAGE_TAG_PREFIX}v1.2.3 --image-digest ${DIGEST} `,
    );
    expect(aws.state().digests?.[`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]).toBe(DIGEST);
    expect(first.stdout).not.toContain("::error::");

    const again = run(aws);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3 already names ${DIGEST}`);
    expect(puts(aws.calls())).toBe(1);
  });

  it("fails loudly when the marker already names another digest, and changes nothing", () => {
    const aws = stubAws({ tags: [], digests: { [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]: OTHER } });
    const r = run(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(
      `::error::${RELEASED_IMAGE_TAG_PREFIX}v1.2.3 already names ${OTHER}, not ${DIGEST}`,
    );
    expect(puts(aws.calls())).toBe(0);
    expect(aws.state().digests?.[`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]).toBe(OTHER);
  });

  it("a put that loses a race decides by what the registry then holds", () => {
    const same = stubAws({ tags: [], late: { [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]: DIGEST } });
    expect(run(same).status).toBe(0);
    const other = stubAws({ tags: [], late: { [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`]: OTHER } });
    const r = run(other);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error::could not tag ${DIGEST} as ${RELEASED_IMAGE_TAG_PREFIX}v1.2.3`);
  });

  for (const model of BRANCH_MODELS_UNDER_TEST) {
    it(`${model}: the production deploy marks the version its guard produced`, () => {
      const spec = teamFor(model);
      const policy = releasePolicy(spec);
      const production = policy.deployments.find((d) => d.role === "production");
      expect(production).toBeDefined();
      const wf = workflowOf(spec, deployWorkflowPath(production!.environment));
      const step = markStep(wf.jobs.deploy);
      expect(step).toBeDefined();
      // Only production marks.
      for (const d of policy.deployments.filter((x) => x.role !== "production"))
        expect(markStep(workflowOf(spec, deployWorkflowPath(d.environment)).jobs.deploy)).toBeUndefined();
      const version = production!.trigger.kind === "tag" ? "v2.0.0" : `sha-${"c".repeat(40)}`;
      const aws = stubAws({ tags: [] });
      const r = runStep(step, { ...aws.env, REGISTRY_URL, IMAGE_DIGEST: DIGEST, VERSION: version }, aws.dir);
      expect(r.status).toBe(0);
      expect(aws.state().digests).toEqual({ [`${RELEASED_IMAGE_TAG_PREFIX}${version}`]: DIGEST });
    });
  }

  it("rollback marks only in production; rolling back to a released image finds its marker", () => {
    const spec = referenceTeam();
    const rollback = workflowOf(spec, ROLLBACK_WORKFLOW).jobs.rollback;
    const step = markStep(rollback);
    expect(step.if).toBe("inputs.environment == 'production'");
    const aws = stubAws({
      tags: [],
      digests: { "v1.2.2": DIGEST, [`${RELEASED_IMAGE_TAG_PREFIX}v1.2.2`]: DIGEST },
    });
    const r = runStep(step, { ...aws.env, REGISTRY_URL, IMAGE_DIGEST: DIGEST, VERSION: "v1.2.2" }, aws.dir);
    expect(r.status).toBe(0);
    expect(puts(aws.calls())).toBe(0);
  });
});
