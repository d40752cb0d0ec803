/**
 * `team.previews` in the spec: defaults, where previews run, the memory rule that refuses limits
 * the server cannot hold (naming team.previews.maxPerService), and the cost previews add.
 */
import {
  INSTANCE_MEMORY_MIB,
  previewMemoryNeededMib,
  resolvePreviews,
  SERVER_RESERVED_MIB,
  validateTeamSpec,
} from "../components/team";
import { previewCost, serverSizeForPreviews } from "../plan/preview-cost";
import { referenceTeam, referenceTeamRaw, teamFor } from "./fixtures";

/** The reference team with previews sharing the integration server (the default). */
function sharedServerTeam() {
  const raw = referenceTeamRaw();
  delete raw.previews;
  const r = validateTeamSpec(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

function problems(raw: Record<string, unknown>): string[] {
  const r = validateTeamSpec(raw);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("team.previews", () => {
  it("runs the reference team's previews on their own t4g.medium, integration keeping its own size", () => {
    const spec = referenceTeam();
    expect(spec.previews).toEqual({
      enabled: true,
      ttlDays: 3,
      maxPerService: 5,
      instanceType: "t4g.medium",
    });
    const own = resolvePreviews(spec)!;
    expect(own).toMatchObject({ environment: "integration", ownServer: true, instanceType: "t4g.medium" });
    // 384 reserved + 5 × 512 previews + 256 update: the environment's services are not on it.
    expect(own.memoryNeededMib).toBe(384 + 2560 + 256);
    expect(own.typeWithoutPreviews).toBe("t4g.micro");
  });

  it("is on by default, on integration, 3 days, 5 per service", () => {
    const spec = sharedServerTeam();
    expect(spec.previews).toEqual({ enabled: true, ttlDays: 3, maxPerService: 5 });
    const plan = resolvePreviews(spec)!;
    expect(plan.environment).toBe("integration");
    expect(plan.ownServer).toBe(false);
    // 2 services × 256 MiB: 384 reserved + 512 own + 256 candidate + 5 × 512 previews + 256 update.
    expect(plan.memoryNeededMib).toBe(384 + 512 + 256 + 2560 + 256);
    expect(plan.instanceType).toBe("t4g.medium");
    expect(plan.typeWithoutPreviews).toBe("t4g.micro");
  });

  it("defaults to the staging environment where the model has no integration", () => {
    expect(resolvePreviews(teamFor("staging-branch"))!.environment).toBe("staging");
    expect(resolvePreviews(teamFor("trunk", { previews: { enabled: false } }))).toBeUndefined();
  });

  it("refuses more previews than the named server holds, naming maxPerService and what fits", () => {
    const raw = referenceTeamRaw();
    delete raw.previews;
    (raw.environments as Record<string, unknown>[])[0].instanceType = "t4g.small";
    expect(problems(raw)).toEqual([
      "team.previews.maxPerService: 5 previews of each of 2 service(s) need 3968 MiB on t4g.small (team.environments[0].instanceType), which has 2048 MiB; lower team.previews.maxPerService or services[i].memoryMb, or use t4g.medium; or set team.previews.enabled: false (previews are on by default)",
    ]);
    raw.previews = { maxPerService: 1 };
    expect(problems(raw)).toEqual([]);
    expect(previewMemoryNeededMib([{}, {}], 1, true)).toBeLessThanOrEqual(INSTANCE_MEMORY_MIB["t4g.small"]);
  });

  it("checks the previews' own server without the environment's services", () => {
    const raw = referenceTeamRaw();
    raw.previews = { instanceType: "t4g.micro", maxPerService: 1 };
    (raw.services as Record<string, unknown>[]).forEach((s) => (s.memoryMb = 128));
    // 384 reserved + 1 × 256 previews + 128 update: fits 1024 (the services' own 256 + 128 are not on it).
    expect(problems(raw)).toEqual([]);
    const r = validateTeamSpec(raw);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(resolvePreviews(r.spec)).toMatchObject({
      ownServer: true,
      instanceType: "t4g.micro",
      memoryNeededMib: 384 + 256 + 128,
    });
    raw.previews = { instanceType: "t4g.micro", maxPerService: 3 };
    expect(problems(raw)).toEqual([
      "team.previews.maxPerService: 3 previews of each of 2 service(s) need 1280 MiB on t4g.micro (team.previews.instanceType), which has 1024 MiB; lower team.previews.maxPerService or services[i].memoryMb, or use t4g.small; or set team.previews.enabled: false (previews are on by default)",
    ]);
  });

  it("refuses previews on a Kubernetes environment whose cluster does not host them, and accepts them when it does", () => {
    const raw = referenceTeamRaw();
    // A preview server type means nothing on a cluster (refused on its own key): not this test's point.
    if (typeof raw.previews === "object" && raw.previews !== null)
      delete (raw.previews as Record<string, unknown>).instanceType;
    const envs = raw.environments as Record<string, unknown>[];
    envs[0] = {
      ...envs[0],
      runtime: "kubernetes",
      domain: "integration.example.com",
      kubernetes: { eks: { clusterName: "apps" }, architecture: "arm64" },
    };
    expect(problems(raw).filter((p) => p.startsWith("team.previews"))).toEqual([
      expect.stringMatching(
        /^team\.previews\.environment: "integration" runs on Kubernetes without previews on its cluster: set team\.environments\[0\]\.kubernetes\.previews: true/,
      ),
    ]);
    envs[0] = {
      ...envs[0],
      kubernetes: { eks: { clusterName: "apps" }, architecture: "arm64", previews: true },
    };
    expect(problems(raw).filter((p) => p.startsWith("team.previews"))).toEqual([]);
  });

  it("refuses a production or unknown preview environment and bad values, each by key", () => {
    const raw = referenceTeamRaw();
    raw.previews = { environment: "production" };
    expect(problems(raw)).toEqual([
      'team.previews.environment: "production" is the production environment: previews run unreviewed code and must not share its server',
    ]);
    raw.previews = { environment: "qa" };
    expect(problems(raw)[0]).toMatch(/^team\.previews\.environment: "qa" is not an environment of the spec/);
    raw.previews = { ttlDays: 0, maxPerService: 0, domain: "Previews.Example", colour: "red" };
    (raw.services as Record<string, unknown>[])[0].seedCommand = "";
    expect(problems(raw)).toEqual(
      expect.arrayContaining([
        "team.previews.ttlDays: 0 must be at least 1",
        "team.previews.maxPerService: 0 must be at least 1",
        expect.stringMatching(/^team\.previews\.domain: "Previews\.Example" must be a lowercase DNS name/),
        "team.previews.colour: is not a known key (check its spelling)",
        expect.stringMatching(/^team\.services\[0\]\.seedCommand: /),
      ]),
    );
  });

  it("keeps the path previews answer under free of a service of that name", () => {
    const raw = referenceTeamRaw();
    (raw.services as Record<string, unknown>[])[1].name = "previews";
    expect(problems(raw)).toEqual([
      'team.services[1].name: "previews" is the path previews answer under without team.previews.domain; rename the service or set a preview domain',
    ]);
    raw.previews = { domain: "previews.acme.dev" };
    expect(problems(raw)).toEqual([]);
  });

  it("reserves memory for the server itself", () => {
    expect(previewMemoryNeededMib([], 5, true)).toBe(SERVER_RESERVED_MIB);
  });
});

describe("previews' cost", () => {
  it("is the root volume of their own server while none is open, and the server per open hour", () => {
    const cost = previewCost(referenceTeam())!;
    // eu-west-1: 8 GB gp3 (the disk model's 6.7 GiB, raised to the AMI's snapshot) × $0.088;
    // running: t4g.medium $0.0368/h + public IPv4 $0.005/h.
    expect(cost.monthly).toBe(Math.round(8 * 0.088 * 100) / 100);
    expect(cost.runningHourly).toBeCloseTo(0.0368 + 0.005, 6);
    expect(cost.detail).toContain("stopped while no preview is open");
    // With a preview domain its DNS needs a stable address: an Elastic IP, charged when stopped.
    const raw = referenceTeamRaw();
    raw.previews = { instanceType: "t4g.medium", domain: "previews.acme.dev" };
    const r = validateTeamSpec(raw);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const withDomain = previewCost(r.spec)!;
    expect(withDomain.monthly).toBe(Math.round((8 * 0.088 + 0.005 * 730) * 100) / 100);
    expect(withDomain.runningHourly).toBeCloseTo(0.0368, 6);
  });

  it("is the difference of the sized integration server when previews share it", () => {
    const cost = previewCost(sharedServerTeam())!;
    // eu-west-1: t4g.medium $0.0368/h − t4g.micro $0.0092/h, 730 h.
    expect(cost.monthly).toBe(Math.round((0.0368 - 0.0092) * 730 * 100) / 100);
    expect(cost.detail).toContain("t4g.medium instead of t4g.micro");
  });

  it("is none when a named integration server already holds them", () => {
    const raw = referenceTeamRaw();
    delete raw.previews;
    (raw.environments as Record<string, unknown>[])[0].instanceType = "t4g.large";
    const r = validateTeamSpec(raw);
    expect(r.ok).toBe(true);
    expect(previewCost(r.ok ? r.spec : referenceTeam())!.monthly).toBe(0);
  });

  it("names the server size for N concurrent previews", () => {
    const spec = referenceTeam();
    expect(serverSizeForPreviews(spec, 1)).toBe("t4g.small");
    expect(serverSizeForPreviews(spec, 5)).toBe("t4g.medium");
    expect(serverSizeForPreviews(spec, 10)).toBe("t4g.large");
    expect(serverSizeForPreviews(spec, 2, false)).toBe("t4g.small");
  });
});
