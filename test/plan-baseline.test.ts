/**
 * The yardstick of the plan's idle cost: the same team on a load-balanced container service
 * (plan/baseline.ts). Its arithmetic is redone here from the cited unit prices, its choices are
 * checked (the cheaper Fargate architecture, 2 tasks per service in production, Kubernetes
 * environments left out), and the reference team's idle cost is compared with it through the
 * offline plan, as `npm run plan` prints it and the JSON contract carries it.
 */
import { BASELINE_ALB_ZONES, BASELINE_TASK, containerServiceBaseline, idleRatio } from "../plan/baseline";
import { HOURS_PER_MONTH, PRICES, type PriceTable } from "../plan/prices";
import { teamComparison, renderStack } from "../plan/text";
import type { StackPlan } from "../plan/contract";
import { planStacks } from "./harness";
import { referenceTeam, referenceTeamRaw } from "./fixtures";
import { validateTeamSpec } from "../components/team";

const eu = PRICES.regions["eu-west-1"];

describe("the load-balanced container service baseline", () => {
  it("uses the eu-west-1 list prices cited in plan/prices.ts", () => {
    // https://aws.amazon.com/elasticloadbalancing/pricing/ and https://aws.amazon.com/fargate/pricing/
    expect(eu.alb).toEqual({ hourly: 0.0252, lcuHourly: 0.008 });
    expect(eu.fargate.ARM64).toEqual({ vcpuHourly: 0.03238, gbHourly: 0.00356 });
    expect(eu.fargate.X86_64).toEqual({ vcpuHourly: 0.04048, gbHourly: 0.004445 });
    expect(eu.publicIpv4Hourly).toBe(0.005);
  });

  it("is, per environment, an ALB in 2 zones plus tasks of 0.25 vCPU / 0.5 GB with public IPv4", () => {
    const b = containerServiceBaseline(referenceTeam());
    expect(b.region).toBe("eu-west-1");
    expect(b.architecture).toBe("ARM64");
    expect([BASELINE_TASK.vcpu, BASELINE_TASK.gb, BASELINE_ALB_ZONES]).toEqual([0.25, 0.5, 2]);
    // By hand: ALB ($0.0252/h + 2 × $0.005/h) × 730 h = $25.696.
    const alb = (0.0252 + 2 * 0.005) * 730;
    // A task: (0.25 × $0.03238 + 0.5 × $0.00356 + $0.005 public IPv4) per hour × 730 h = $10.85875.
    const task = (0.25 * 0.03238 + 0.5 * 0.00356 + 0.005) * 730;
    expect(alb).toBeCloseTo(25.696, 6);
    expect(task).toBeCloseTo(10.85875, 6);
    // 2 services: 1 task each outside production, 2 each in production.
    expect(b.environments).toEqual([
      { environment: "integration", monthly: 47.41, detail: expect.stringContaining("2 Fargate tasks") },
      { environment: "staging", monthly: 47.41, detail: expect.stringContaining("2 Fargate tasks") },
      { environment: "production", monthly: 69.13, detail: expect.stringContaining("4 Fargate tasks") },
    ]);
    expect(Math.round((alb + 2 * task) * 100) / 100).toBe(47.41);
    expect(Math.round((alb + 4 * task) * 100) / 100).toBe(69.13);
    expect(b.monthly).toBe(163.95);
    expect(b.assumptions.join("\n")).toMatch(/idle LCU ≈ 0/);
    expect(b.assumptions.join("\n")).toMatch(/2 in production \(one per zone\)/);
    expect(b.assumptions.join("\n")).toMatch(/no NAT gateway/);
  });

  it("prices the cheaper Fargate architecture, whichever it is (fair to the container service)", () => {
    const swapped: PriceTable = {
      ...PRICES,
      regions: {
        ...PRICES.regions,
        "eu-west-1": { ...eu, fargate: { ARM64: eu.fargate.X86_64, X86_64: eu.fargate.ARM64 } },
      },
    };
    const b = containerServiceBaseline(referenceTeam(), swapped);
    expect(b.architecture).toBe("X86_64");
    expect(b.monthly).toBe(containerServiceBaseline(referenceTeam()).monthly);
    // And x86 at its own price would make the baseline dearer, our ratio smaller: not used.
    const x86Task =
      (0.25 * eu.fargate.X86_64.vcpuHourly + 0.5 * eu.fargate.X86_64.gbHourly) * HOURS_PER_MONTH;
    const armTask = (0.25 * eu.fargate.ARM64.vcpuHourly + 0.5 * eu.fargate.ARM64.gbHourly) * HOURS_PER_MONTH;
    expect(armTask).toBeLessThan(x86Task);
  });

  it("compares Kubernetes environments with nothing, and says so", () => {
    const raw = referenceTeamRaw();
    const envs = raw.environments as Record<string, unknown>[];
    envs[1] = {
      ...envs[1],
      runtime: "kubernetes",
      domain: "staging.example.com",
      kubernetes: { eks: { clusterName: "apps" }, architecture: "arm64" },
    };
    const r = validateTeamSpec(raw);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const b = containerServiceBaseline(r.spec);
    expect(b.environments.map((e) => e.environment)).toEqual(["integration", "production"]);
    expect(b.assumptions.join("\n")).toContain("Kubernetes environments (staging)");
  });

  it("falls back to the table's fallback region, saying so", () => {
    const b = containerServiceBaseline({ ...referenceTeam(), aws: { region: "ap-south-2" } });
    expect(b.region).toBe(PRICES.fallbackRegion);
    expect(b.assumptions).toContain(`no prices for ap-south-2: ${PRICES.fallbackRegion}'s used`);
  });

  it("gives no ratio against nothing", () => {
    expect(idleRatio(10, 0)).toBeUndefined();
    expect(idleRatio(25, 100)).toBe(0.25);
  });
});

describe("the reference team's idle cost against it, through the plan", () => {
  let plans: StackPlan[] = [];
  beforeAll(async () => {
    plans = await planStacks({ stacks: ["shared", "integration", "staging", "production"] });
  }, 120_000);

  it("carries the baseline in every stack's cost (JSON contract 0.3) and prints it per environment", () => {
    for (const p of plans) {
      expect(p.cost.baseline).toMatchObject({
        kind: "load-balanced-container-service",
        teamMonthly: 163.95,
        architecture: "ARM64",
      });
    }
    const by = Object.fromEntries(plans.map((p) => [p.stack, p]));
    expect(by.shared.cost.baseline!.monthly).toBe(0);
    expect(by.shared.cost.baseline!.ratio).toBeUndefined();
    expect(by.production.cost.baseline!.monthly).toBe(69.13);
    expect(by.production.cost.baseline!.ratio).toBe(idleRatio(by.production.cost.monthly, 69.13));
    expect(renderStack(by.production)).toContain(
      `idle $${by.production.cost.monthly.toFixed(2)}/month = ${(by.production.cost.baseline!.ratio! * 100).toFixed(1)}% of a load-balanced container service for this environment ($69.13: ALB $25.70`,
    );
  });

  it("keeps the whole team's idle month near a quarter of the container service's (ARM64 prices)", () => {
    const idle = plans.reduce((n, p) => n + p.cost.monthly, 0);
    const ratio = idle / 163.95;
    // What the idle month is made of: three running servers with their volumes (8 GiB each, the
    // AMI's snapshot: the disk model needs 6.1 GiB) and addresses, previews' own server stopped
    // (its 8 GiB volume) and registry storage. No recover alarms: EC2's simplified automatic
    // recovery does that unbilled.
    expect(idle).toBeCloseTo(40.83, 2);
    expect(teamComparison(plans)).toBe(
      `idle $40.83/month = ${(ratio * 100).toFixed(1)}% of a load-balanced container service ($163.95: ALB + Fargate, ${plans[0].cost.baseline!.assumptions.join("; ")})`,
    );
    // The issue's bar is 25%, against ARM64 Fargate (the cheaper and fair comparison): 24.9%.
    // Previews upsizing integration around the clock would make it 36.8% (below); 16 GiB volumes
    // and a recover alarm per server made it 26.9%. What remains is three running servers and
    // their public IPv4 addresses; see README "What a team pays".
    expect(ratio).toBeLessThan(0.25);
    expect(ratio).toBeGreaterThan(0.24);
  });

  it("would pay 36.8% with previews upsizing the integration server around the clock", async () => {
    const { previews: _own, ...shared } = referenceTeamRaw();
    const before = await planStacks({
      stacks: ["shared", "integration", "staging", "production"],
      team: shared,
    });
    const idle = before.reduce((n, p) => n + p.cost.monthly, 0);
    expect(idle).toBeCloseTo(60.28, 2);
    expect(Math.round((idle / 163.95) * 1000) / 10).toBe(36.8);
  }, 120_000);
});
