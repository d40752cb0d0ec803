/** The cost estimate: unit prices from the one table, public addresses, fallbacks said aloud. */
import { computeCost, type CostedResource } from "../plan/cost";
import { HOURS_PER_MONTH, PRICES } from "../plan/prices";
import { INSTANCE_MEMORY_MIB } from "../components/team";

const provider = (region: string): CostedResource => ({
  urn: `p-${region}`,
  type: "pulumi:providers:aws",
  name: "aws",
  provider: null,
  custom: true,
  inputs: { region },
});
const res = (
  urn: string,
  type: string,
  inputs: Record<string, unknown>,
  region = "eu-west-1",
): CostedResource => ({
  urn,
  type,
  name: urn,
  provider: `p-${region}`,
  custom: true,
  inputs,
});

describe("computeCost", () => {
  it("prices an instance (hours, root volume, its own public IPv4) from the provider's region", () => {
    const report = computeCost([
      provider("eu-west-1"),
      res("i", "aws:ec2/instance:Instance", {
        instanceType: "t4g.small",
        rootBlockDevice: { volumeSize: 20, volumeType: "gp3" },
      }),
    ]);
    const p = PRICES.regions["eu-west-1"];
    const expected =
      p.ec2Hourly["t4g.small"] * HOURS_PER_MONTH +
      20 * p.ebsGbMonth.gp3 +
      p.publicIpv4Hourly * HOURS_PER_MONTH;
    expect(report.items).toHaveLength(1);
    expect(report.items[0].monthly).toBeCloseTo(expected, 2);
    expect(report.items[0].monthly).toBeCloseTo(13.43 + 1.76 + 3.65, 1);
    expect(report.prices.region).toBe("eu-west-1");
    expect(report.notes).toEqual([]);
  });

  it("counts an attached Elastic IP once, on the EIP, and alarms and registries by unit", () => {
    const report = computeCost(
      [
        provider("us-east-1"),
        res("i", "aws:ec2/instance:Instance", { instanceType: "t4g.nano" }, "us-east-1"),
        res("eip", "aws:ec2/eip:Eip", { instance: "i-123", domain: "vpc" }, "us-east-1"),
        res("alarm", "aws:cloudwatch/metricAlarm:MetricAlarm", { period: 60 }, "us-east-1"),
        res("repo", "aws:ecr/repository:Repository", {}, "us-east-1"),
        res("param", "aws:ssm/parameter:Parameter", { tier: "Standard" }, "us-east-1"),
      ],
      new Map([["i", "i-123"]]),
    );
    const by = Object.fromEntries(report.items.map((i) => [i.urn, i.monthly]));
    expect(by.i).toBeCloseTo(0.0042 * 730 + 8 * 0.08, 2);
    expect(by.eip).toBeCloseTo(3.65, 2);
    expect(by.alarm).toBe(0.1);
    expect(by.repo).toBe(0.1);
    expect(by.param).toBeUndefined();
    expect(report.monthly).toBeCloseTo(
      report.items.reduce((n, i) => n + i.monthly, 0),
      2,
    );
  });

  it("falls back with a note for a region or instance type the table lacks", () => {
    const report = computeCost([
      provider("ap-south-2"),
      res("i", "aws:ec2/instance:Instance", { instanceType: "t4g.micro" }, "ap-south-2"),
      res("j", "aws:ec2/instance:Instance", { instanceType: "x2idn.metal" }, "ap-south-2"),
    ]);
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "no prices for region ap-south-2 in plan/prices.ts: used us-east-1's",
        expect.stringMatching(/no price for instance type x2idn\.metal in us-east-1: not counted/),
      ]),
    );
    expect(report.prices.region).toBe("us-east-1");
  });

  it("has every priced item for every region in the table", () => {
    const regions = Object.values(PRICES.regions);
    const types = Object.keys(regions[0].ec2Hourly).sort();
    for (const r of regions) {
      expect(Object.keys(r.ec2Hourly).sort()).toEqual(types);
      expect(Object.keys(r.ebsGbMonth).sort()).toEqual(["gp2", "gp3"]);
      for (const v of [
        ...Object.values(r.ec2Hourly),
        r.publicIpv4Hourly,
        r.alarmStandardMonthly,
        r.ecrGbMonth,
      ])
        expect(v).toBeGreaterThan(0);
    }
    expect(Object.keys(PRICES.regions)).toEqual(expect.arrayContaining(["eu-west-1", "us-east-1"]));
  });
});

describe("the price table", () => {
  it("prices every instance type the server sizing may choose, in every region it has", () => {
    const missing = Object.entries(PRICES.regions).flatMap(([region, p]) =>
      Object.keys(INSTANCE_MEMORY_MIB)
        .filter((type) => p.ec2Hourly[type] === undefined)
        .map((type) => `${region} ${type}`),
    );
    expect(missing).toEqual([]);
    // Burstable sizes double in price with each step (AWS on-demand list prices).
    for (const p of Object.values(PRICES.regions)) {
      expect(p.ec2Hourly["t4g.2xlarge"]).toBeCloseTo(2 * p.ec2Hourly["t4g.xlarge"], 6);
      expect(p.ec2Hourly["t4g.xlarge"]).toBeCloseTo(2 * p.ec2Hourly["t4g.large"], 6);
    }
  });
});
