/**
 * Acceptance (issue 10, item 8): production promotes only a release candidate that passed
 * staging and was built from the release tag's commit. The real script file
 * (`components/pipeline/scripts/promote-release.sh`, the same text the generated production
 * workflow runs) against a registry, held by the data-driven AWS stub, that holds an rc that failed
 * staging, an rc of another commit, `rc.1` and `rc.01`, or no rc at all. Only the right digest is
 * promoted, and every refusal names its reason.
 *
 * Also: the other models' production promotions require the passed marker too, and a promotion
 * waits (bounded) for the `sha-` image of a commit whose build is still pushing.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { passedTagPrefix, RC_TAG, releasePolicy } from "../components/release";
import { deployWorkflowPath, pipelineFiles, scriptPath, stepScript } from "../components/pipeline";
import { teamFor } from "./fixtures";
import { runBash, stubAws, work, type StepData, type StubAws } from "./pipeline-harness";
import { parseWorkflow } from "./workflow-variants";

const REGISTRY_URL = "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api";
const C = "c".repeat(40); // the release tag's commit
const X = "e".repeat(40); // another commit
const D1 = "sha256:" + "1".repeat(64); // built from C
const D2 = "sha256:" + "2".repeat(64); // built from X
const D4 = "sha256:" + "4".repeat(64); // pushed as rc.01
const PASSED = passedTagPrefix("staging");

function productionStep(model: "trunk" | "staging-branch" | "pre-production"): StepData {
  const spec = teamFor(model);
  const policy = releasePolicy(spec);
  const f = pipelineFiles(spec, spec.services[0], policy).find(
    (x) => x.path === deployWorkflowPath("production"),
  );
  return (parseWorkflow(f?.content ?? "").jobs.deploy.steps as StepData[]).find(
    (s) => s.id === "image",
  ) as StepData;
}

const step = productionStep("trunk");
/** The step's literal env (RC_REGEX, prefixes) as the workflow sets it. */
const stepEnv = Object.fromEntries(
  Object.entries(step.env ?? {}).filter(([, v]) => !String(v).includes("${{")),
) as Record<string, string>;

function promote(aws: StubAws, version = "v1.4.0", commit = C) {
  return runBash(
    { file: scriptPath("promoteRelease") },
    { ...stepEnv, ...aws.env, REGISTRY_URL, VERSION: version, COMMIT_SHA: commit },
    { pathPrefix: aws.dir },
  );
}
const puts = (aws: StubAws) =>
  aws
    .calls()
    .split("\n")
    .filter((l) => l.startsWith("ecr put-image"));

describe("the production step of the trunk model", () => {
  it("runs exactly the script file, with the policy's rc regex and staging's passed marker", () => {
    expect(step.run).toBe(stepScript("promoteRelease"));
    expect(stepEnv.RC_REGEX).toBe(RC_TAG.regex);
    expect(stepEnv.REQUIRE_PASSED_PREFIX).toBe(PASSED);
    expect(stepEnv.PASSED_ENVIRONMENT).toBe("staging");
    // The policy refuses leading zeros and numbers past bash's reach.
    expect(new RegExp(RC_TAG.regex).test("v1.4.0-rc.01")).toBe(false);
    expect(new RegExp(RC_TAG.regex).test("v1.4.0-rc.1234567890")).toBe(false);
  });
});

describe("promotion: a registry with every trap", () => {
  const everything = (): StubAws =>
    stubAws({
      digests: {
        [`sha-${C}`]: D1,
        [`sha-${X}`]: D2,
        // passed staging, built from C: the one to promote
        "v1.4.0-rc.1": D1,
        [`${PASSED}v1.4.0-rc.1`]: D1,
        // passed staging, but built from another commit
        "v1.4.0-rc.2": D2,
        [`${PASSED}v1.4.0-rc.2`]: D2,
        // built from C, newest, but failed staging (no marker)
        "v1.4.0-rc.3": D1,
        // a leading zero: not a release candidate tag, even with a marker
        "v1.4.0-rc.01": D4,
        [`${PASSED}v1.4.0-rc.01`]: D4,
        // another version's candidates
        "v1.4.01-rc.9": D4,
        "v1.4.00-rc.1": D4,
        "v1.4.10-rc.1": D4,
      },
    });

  it("promotes only the digest of the rc that passed staging on the release tag's commit", () => {
    const aws = everything();
    const r = promote(aws);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ digest: D1, commit: C, candidate: "v1.4.0-rc.1" });
    expect(aws.state().digests?.["v1.4.0"]).toBe(D1);
    expect(puts(aws)).toHaveLength(1);
    expect(puts(aws)[0]).toContain(`--image-tag v1.4.0 --image-digest ${D1}`);
  });

  it("names every refusal and its reason, newest candidate first", () => {
    const r = promote(everything());
    const lines = r.stdout.split("\n");
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(r.stdout).toContain(
      `refused v1.4.0-rc.01: not a release candidate tag (must match ${RC_TAG.regex})`,
    );
    expect(r.stdout).toContain(
      `refused v1.4.0-rc.3: did not pass staging (no ${PASSED}v1.4.0-rc.3 on ${D1})`,
    );
    expect(r.stdout).toContain(
      `refused v1.4.0-rc.2: built from another commit than v1.4.0 (${D2} is not sha-${C}, ${D1})`,
    );
    expect(at("refused v1.4.0-rc.3")).toBeLessThan(at("refused v1.4.0-rc.2"));
    expect(at("refused v1.4.0-rc.2")).toBeLessThan(at("promoting v1.4.0-rc.1"));
    // Other versions' candidates are not candidates at all.
    expect(r.stdout).not.toMatch(/v1\.4\.(01|00|10)-rc/);
  });

  it("refuses an rc that failed staging, and tags nothing", () => {
    const aws = stubAws({ digests: { [`sha-${C}`]: D1, "v1.4.0-rc.1": D1 } });
    const r = promote(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`refused v1.4.0-rc.1: did not pass staging`);
    expect(r.stdout).toContain(
      `::error::no release candidate of v1.4.0 on ${C} passed staging: nothing to promote`,
    );
    expect(puts(aws)).toEqual([]);
  });

  it("refuses an rc of another commit, even one that passed staging", () => {
    const aws = stubAws({
      digests: { [`sha-${C}`]: D1, [`sha-${X}`]: D2, "v1.4.0-rc.1": D2, [`${PASSED}v1.4.0-rc.1`]: D2 },
    });
    const r = promote(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("refused v1.4.0-rc.1: built from another commit than v1.4.0");
    expect(puts(aws)).toEqual([]);
  });

  it("does not take rc.01 for rc.1: with only rc.01 there is nothing to promote", () => {
    const aws = stubAws({ digests: { [`sha-${C}`]: D1, "v1.4.0-rc.01": D1, [`${PASSED}v1.4.0-rc.01`]: D1 } });
    const r = promote(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("refused v1.4.0-rc.01: not a release candidate tag");
    expect(r.stdout).toContain("::error::no release candidate of v1.4.0 in payments/api");
    expect(puts(aws)).toEqual([]);
  });

  it("fails clearly with no rc at all", () => {
    const aws = stubAws({ digests: { [`sha-${C}`]: D1, "v1.3.9-rc.1": D1 } });
    const r = promote(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("::error::no release candidate of v1.4.0 in payments/api");
    expect(puts(aws)).toEqual([]);
  });

  it("fails clearly when the release tag's commit was never built", () => {
    const aws = stubAws({ digests: { "v1.4.0-rc.1": D1, [`${PASSED}v1.4.0-rc.1`]: D1 } });
    const r = promote(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error::v1.4.0 points at ${C}, which has no image sha-${C}`);
    expect(puts(aws)).toEqual([]);
  });

  it("orders by number, not by listing: rc.10 after rc.9, and numbers longer than bash integers are refused", () => {
    const digests: Record<string, string> = { [`sha-${C}`]: D1 };
    for (const n of ["10", "9", "2"]) {
      digests[`v1.4.0-rc.${n}`] = D1;
      digests[`${PASSED}v1.4.0-rc.${n}`] = D1;
    }
    digests["v1.4.0-rc.99999999999999999999"] = D4;
    const r = promote(stubAws({ digests }));
    expect(r.status).toBe(0);
    expect(r.outputs.candidate).toBe("v1.4.0-rc.10");
    expect(r.stdout).toContain("refused v1.4.0-rc.99999999999999999999: not a release candidate tag");
  });

  it("never moves an existing release tag to another digest", () => {
    const aws = everything();
    const state = aws.state();
    aws.set({ ...state, digests: { ...state.digests, "v1.4.0": D2 } });
    const r = promote(aws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error::v1.4.0 already names ${D2}, not ${D1}: tags are immutable`);
  });
});

describe("the other models' production promotions require the passed marker too", () => {
  const GH_STUB = `#!/usr/bin/env bash\n# gh api repos/…/commits/<sha> --jq '.parents[1].sha // empty'\necho "$GH_PARENT"\n`;
  const gh = path.join(work, "gh-stub");
  fs.mkdirSync(gh, { recursive: true });
  fs.writeFileSync(path.join(gh, "gh"), GH_STUB, { mode: 0o755 });

  const cases = [
    { model: "staging-branch", source: "staging", version: `sha-${"f".repeat(40)}`, built: X },
    { model: "pre-production", source: "pre-production", version: "v2.0.0", built: C },
  ] as const;
  for (const { model, source, version, built } of cases) {
    const s = productionStep(model);
    const prefix = passedTagPrefix(source);
    const sourceTag = `sha-${built}`;
    const run = (aws: StubAws) =>
      runBash(
        s.run,
        {
          ...aws.env,
          REGISTRY_URL,
          VERSION: version,
          COMMIT_SHA: C,
          GH_PARENT: built,
          GH_TOKEN: "t",
          GH_REPO: "acme/api",
        },
        { stepEnv: s.env, pathPrefix: `${aws.dir}:${gh}` },
      );

    it(`${model}: promotes ${sourceTag} only with ${prefix}${sourceTag}`, () => {
      expect(s.env?.REQUIRE_PASSED_PREFIX).toBe(prefix);
      const refused = stubAws({ digests: { [sourceTag]: D1 } });
      const r = run(refused);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(
        `::error::${sourceTag} (${D1}) has no ${prefix}${sourceTag} marker: it did not pass ${source}`,
      );
      expect(puts(refused)).toEqual([]);

      const passed = stubAws({ digests: { [sourceTag]: D1, [`${prefix}${sourceTag}`]: D1 } });
      const ok = run(passed);
      expect(ok.status).toBe(0);
      expect(ok.outputs).toEqual({ digest: D1, commit: built });
      expect(passed.state().digests?.[version]).toBe(D1);
    });
  }
});

describe("a promotion waits, bounded, for the image of a commit still being built", () => {
  const file = scriptPath("promoteCommit");
  const env = {
    REGISTRY_URL,
    VERSION: "v1.4.0-rc.1",
    COMMIT_SHA: C,
    BUILD_IMAGE_TAG_PREFIX: "sha-",
    IMAGE_WAIT_INTERVAL: "1",
  };

  it("finds sha-<commit> once the build pushes it", async () => {
    const aws = stubAws({ digests: {} });
    // The build finishes pushing two seconds after the rc's workflow started.
    const later = JSON.stringify({ digests: { [`sha-${C}`]: D1 } });
    const state = aws.env.STUB_STATE;
    spawn(
      "bash",
      ["-c", `sleep 2 && printf '%s' "$0" > "${state}.push" && mv "${state}.push" "${state}"`, later],
      {
        detached: false,
        stdio: "ignore",
      },
    );
    const r = runBash({ file }, { ...aws.env, ...env, IMAGE_WAIT_SECONDS: "30" }, { pathPrefix: aws.dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`waiting for sha-${C} to be pushed to payments/api`);
    expect(r.outputs.digest).toBe(D1);
    expect(aws.state().digests?.["v1.4.0-rc.1"]).toBe(D1);
  });

  it("gives up after the bound and says so", () => {
    const aws = stubAws({ digests: {} });
    const r = runBash({ file }, { ...aws.env, ...env, IMAGE_WAIT_SECONDS: "2" }, { pathPrefix: aws.dir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`::error::image sha-${C} is not in payments/api: nothing to promote`);
    expect(puts(aws)).toEqual([]);
  });
});
