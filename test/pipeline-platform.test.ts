/**
 * Item 1: images are built for the CPU the environments run. One architecture per team, from
 * its environments' instance types (default t4g: arm64); a mix is refused naming the key; the PR
 * build check and the image job build with `docker buildx build --platform` for it, natively on
 * the arm runner for public repositories and under QEMU otherwise.
 */
import {
  architectureIssues,
  defaultInstanceType,
  dockerPlatform,
  imageArchitecture,
  releasePolicy,
} from "../components/release";
import {
  ARM_RUNNER,
  ACTIONS,
  RUNNER,
  buildPlatform,
  deployWorkflowPath,
  pipelineFiles,
  PULL_REQUEST_WORKFLOW,
} from "../components/pipeline";
import { SpecError, type TeamSpec } from "../components/team";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";
import { parseWorkflow } from "./workflow-variants";

const envs = (...types: (string | undefined)[]) =>
  types.map((t, i) => ({
    name: `e${i}`,
    role: (i === types.length - 1 ? "production" : "integration") as "integration",
    instanceType: t,
  }));

describe("imageArchitecture", () => {
  it("defaults to arm64 (t4g servers) and follows the instance types", () => {
    expect(defaultInstanceType({ role: "production" })).toBe("t4g.small");
    expect(imageArchitecture(referenceTeam())).toBe("arm64");
    expect(imageArchitecture({ environments: envs(undefined, "m7g.large") })).toBe("arm64");
    expect(imageArchitecture({ environments: envs("t3.micro", "m7i.large") })).toBe("amd64");
  });

  it("refuses environments of different architectures, naming each key that differs", () => {
    const spec = { environments: envs(undefined, "t3.micro", "c7g.large", "m7i.large") };
    expect(architectureIssues(spec).map((i) => i.path)).toEqual([
      "team.environments[1].instanceType",
      "team.environments[3].instanceType",
    ]);
    expect(() => imageArchitecture(spec)).toThrow(SpecError);
    expect(() => imageArchitecture(spec)).toThrow(
      /team\.environments\[1\]\.instanceType: "t3\.micro" runs amd64, but environment "e0" runs arm64/,
    );
  });
});

function jobs(spec: TeamSpec, service = spec.services[0]) {
  const policy = releasePolicy(spec);
  const files = pipelineFiles(spec, service, policy);
  const wf = (p: string) => parseWorkflow(files.find((f) => f.path === p)?.content ?? "");
  const build = policy.deployments.find((d) => d.artifact === "build");
  return {
    pr: wf(PULL_REQUEST_WORKFLOW).jobs["build-image"],
    image: build ? wf(deployWorkflowPath(build.environment)).jobs.image : undefined,
  };
}

const buildStep = (job: any) => (job.steps as any[]).find((s) => /docker buildx build/.test(s.run ?? ""));
const usesOf = (job: any) =>
  (job.steps as any[]).map((s) => String(s.uses ?? "").split("@")[0]).filter(Boolean);

describe("the PR check and the image job build for that platform", () => {
  for (const model of BRANCH_MODELS_UNDER_TEST) {
    it(`${model}: a private service's arm64 image is built under QEMU on ${RUNNER}`, () => {
      const { pr, image } = jobs(teamFor(model));
      for (const job of [pr, image]) {
        expect(job["runs-on"]).toBe(RUNNER);
        expect(buildStep(job).env.DOCKER_PLATFORM).toBe("linux/arm64");
        expect(buildStep(job).run).toContain('docker buildx build --platform "$DOCKER_PLATFORM"');
        expect(usesOf(job)).toEqual(
          expect.arrayContaining([ACTIONS.setupQemu.repository, ACTIONS.setupBuildx.repository]),
        );
        const qemu = (job.steps as any[]).find((s) =>
          String(s.uses).startsWith(ACTIONS.setupQemu.repository),
        );
        expect(qemu.with.platforms).toBe("arm64");
      }
    });
  }

  it("a public service's arm64 image is built natively on the arm runner", () => {
    const spec = teamFor("trunk", { services: [{ name: "site", visibility: "public" }] });
    expect(buildPlatform(spec, spec.services[0])).toEqual({
      architecture: "arm64",
      platform: "linux/arm64",
      runner: ARM_RUNNER,
      emulated: false,
    });
    const { pr, image } = jobs(spec);
    for (const job of [pr, image]) {
      expect(job["runs-on"]).toBe(ARM_RUNNER);
      expect(usesOf(job)).not.toContain(ACTIONS.setupQemu.repository);
      expect(buildStep(job).env.DOCKER_PLATFORM).toBe("linux/arm64");
    }
  });

  it("x86 servers get an amd64 image built natively", () => {
    const spec = teamFor("trunk", {
      environments: [
        { name: "integration", role: "integration", instanceType: "t3.micro" },
        { name: "staging", role: "staging", instanceType: "t3.micro" },
        { name: "production", role: "production", instanceType: "m7i.large" },
      ],
      // A t3.micro holds no preview beside integration's own services (the spec refuses it).
      previews: { enabled: false },
    });
    const { pr, image } = jobs(spec);
    for (const job of [pr, image]) {
      expect(job["runs-on"]).toBe(RUNNER);
      expect(usesOf(job)).not.toContain(ACTIONS.setupQemu.repository);
      expect(buildStep(job).env.DOCKER_PLATFORM).toBe(dockerPlatform("amd64"));
    }
  });

  it("a team whose environments disagree gets no workflows, but the error naming the key", () => {
    expect(() =>
      jobs(
        teamFor("trunk", {
          environments: [
            { name: "integration", role: "integration" },
            { name: "staging", role: "staging", instanceType: "t3.micro" },
            { name: "production", role: "production" },
          ],
        }),
      ),
    ).toThrow(/team\.environments\[1\]\.instanceType/);
  });
});
