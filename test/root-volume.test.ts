/**
 * A server's root volume never shrinks: EC2 ModifyVolume refuses a smaller size, and
 * terraform-provider-aws changes an instance's root volume size in place with ModifyVolume
 * (components/aws/root-volume.ts). The pure rule, then the offline plan of the reference team with
 * facts.yaml saying which root volumes exist, then the component asked for less than it has.
 */
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { stringify } from "yaml";
import { EnvironmentServer } from "../components/aws";
import { keepLargerVolume, serverRootVolumeName } from "../components/aws/root-volume";
import { planStacks, type StackPlan } from "./harness";
import { REPO_ROOT, referenceTeam } from "./fixtures";

describe("keepLargerVolume", () => {
  it("asks for the wanted size when nothing exists or what exists is smaller", () => {
    expect(keepLargerVolume(8, [])).toBe(8);
    expect(keepLargerVolume(16, [8])).toBe(16);
  });

  it("keeps an existing volume's size when the wanted one is smaller", () => {
    expect(keepLargerVolume(8, [16])).toBe(16);
    // A replacement in progress: the old and the new server's volumes both exist.
    expect(keepLargerVolume(8, [16, 30])).toBe(30);
  });

  it("never asks for less than the wanted size or any existing volume, and asks for one of them", () => {
    const gib = fc.integer({ min: 1, max: 16384 });
    fc.assert(
      fc.property(gib, fc.array(gib, { maxLength: 4 }), (wanted, existing) => {
        const size = keepLargerVolume(wanted, existing);
        expect(size).toBeGreaterThanOrEqual(wanted);
        for (const e of existing) expect(size).toBeGreaterThanOrEqual(e);
        expect([wanted, ...existing]).toContain(size);
      }),
    );
  });

  it("names the volume as the server tags it", () => {
    expect(serverRootVolumeName("checkout", "production")).toBe("checkout-production-root");
  });
});

/** A copy of the reference project whose facts.yaml lists `rootVolumes` (undefined: the key removed). */
function projectWithRootVolumes(rootVolumes: Record<string, number> | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-volumes-"));
  for (const f of fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi(\.[a-z-]+)?\.yaml$/.test(f)))
    fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
  const facts = require("yaml").parse(fs.readFileSync(path.join(REPO_ROOT, "facts.yaml"), "utf8"));
  if (rootVolumes === undefined) delete facts.aws.rootVolumes;
  else facts.aws.rootVolumes = rootVolumes;
  fs.writeFileSync(path.join(dir, "facts.yaml"), stringify(facts));
  return dir;
}

/** The root volume size each server of a plan asks for, by its Name tag. */
function rootVolumeSizes(plan: StackPlan): Record<string, unknown> {
  return Object.fromEntries(
    plan.resources
      .filter((r) => r.type === "aws:ec2/instance:Instance")
      .map((r) => {
        const root = r.inputs.rootBlockDevice as { tags: Record<string, string>; volumeSize: unknown };
        return [root.tags.Name, root.volumeSize];
      }),
  );
}

describe("the offline plan sizes root volumes from facts.yaml's aws.rootVolumes", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  const plan = async (rootVolumes: Record<string, number> | undefined) => {
    const dir = projectWithRootVolumes(rootVolumes);
    dirs.push(dir);
    return planStacks({ stacks: ["staging", "production"], dir });
  };

  let fresh: StackPlan[];
  let wanted: { staging: Record<string, unknown>; production: Record<string, unknown> };
  beforeAll(async () => {
    fresh = await plan({});
    wanted = { staging: rootVolumeSizes(fresh[0]), production: rootVolumeSizes(fresh[1]) };
  });

  it("a fresh account ({}): every server asks for the wanted size, nothing assumed", () => {
    expect(Object.keys(wanted.production)).toEqual(["checkout-production-root"]);
    expect(Object.keys(wanted.staging)).toContain("checkout-staging-root");
    for (const size of [...Object.values(wanted.staging), ...Object.values(wanted.production)])
      expect(size).toEqual(expect.any(Number));
    for (const p of fresh) expect(p.assumptions.filter((a) => a.kind === "aws-root-volume")).toEqual([]);
  });

  it("production's existing larger volume is kept; staging, with none, gets the wanted size", async () => {
    const existing = (wanted.production["checkout-production-root"] as number) + 24;
    const [staging, production] = await plan({ "checkout-production-root": existing });
    expect(rootVolumeSizes(production)).toEqual({ "checkout-production-root": existing });
    expect(rootVolumeSizes(staging)).toEqual(wanted.staging);
    expect(production.assumptions).toEqual([]);
  });

  it("an existing volume smaller than the wanted size grows to it", async () => {
    const [, production] = await plan({ "checkout-production-root": 4 });
    expect(rootVolumeSizes(production)).toEqual(wanted.production);
  });

  it("without aws.rootVolumes, the plan assumes no volume exists and lists each server's under assumptions", async () => {
    const [staging, production] = await plan(undefined);
    expect(rootVolumeSizes(production)).toEqual(wanted.production);
    expect(production.assumptions).toEqual([
      {
        kind: "aws-root-volume",
        name: "checkout-production-root",
        source: "aws:ebs/getEbsVolumes:getEbsVolumes",
        why: expect.stringContaining("facts.yaml lists no aws.rootVolumes"),
      },
    ]);
    expect(staging.assumptions.map((a) => a.name)).toContain("checkout-staging-root");
  });
});

describe("EnvironmentServer asked for less than its root volume has", () => {
  const server = (rootVolumeGiB: number) => () => {
    const provider = new aws.Provider("aws", { region: "eu-west-1" });
    const production = referenceTeam().environments.find((e) => e.name === "production")!;
    new EnvironmentServer(
      "production",
      {
        team: "checkout",
        environment: production,
        specPath: "team.environments[2]",
        region: "eu-west-1",
        services: [],
        registries: [],
        bootDocument: { name: "checkout-production-boot", version: "1" },
        rootVolumeGiB,
      },
      { providers: { aws: provider } },
    );
    return {};
  };

  it("keeps the 16 GiB the server has when the wanted size drops to 8, asks for 8 on a new one, grows to 30", async () => {
    const existing = projectWithRootVolumes({ "checkout-production-root": 16 });
    const fresh = projectWithRootVolumes({});
    try {
      const [kept] = await planStacks({ stacks: ["production"], dir: existing, program: server(8) });
      expect(rootVolumeSizes(kept)).toEqual({ "checkout-production-root": 16 });
      const [created] = await planStacks({ stacks: ["production"], dir: fresh, program: server(8) });
      expect(rootVolumeSizes(created)).toEqual({ "checkout-production-root": 8 });
      const [grown] = await planStacks({ stacks: ["production"], dir: existing, program: server(30) });
      expect(rootVolumeSizes(grown)).toEqual({ "checkout-production-root": 30 });
    } finally {
      for (const dir of [existing, fresh]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
