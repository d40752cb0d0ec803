import {
  AMI_ROOT_SNAPSHOT_GIB,
  environmentServerDisk,
  previewServerDisk,
  resolvePreviews,
  validateTeamSpec,
} from "../components/team";
import { referenceTeam, referenceTeamRaw } from "./fixtures";
import { planStacks } from "./harness";

const services = (n: number) => ({ services: Array.from({ length: n }, (_, i) => ({ name: `s${i}` })) });

describe("a server's root volume", () => {
  it("holds the reference team's two services on the AMI's 8 GiB snapshot", () => {
    const d = environmentServerDisk(referenceTeam(), {});
    // 4 system + 2 × (0.5 + 2 × 0.15) + 0.5 pull.
    expect(d.neededGib).toBe(6.1);
    expect(d.gib).toBe(AMI_ROOT_SNAPSHOT_GIB);
    expect(d.explicit).toBe(false);
    expect(d.detail).toContain("raised to the AMI's 8 GiB snapshot");
  });

  it("grows with the services: 60 services need 53 GiB, not the 16 a fixed default gave them", () => {
    const d = environmentServerDisk(services(60), {});
    expect(d.neededGib).toBe(52.5);
    expect(d.gib).toBe(53);
    expect(d.detail).not.toContain("raised");
  });

  it("counts previews that share the environment's server", () => {
    const alone = environmentServerDisk(services(10), {});
    const shared = environmentServerDisk(services(10), {}, { maxPerService: 5 });
    // Each preview adds its own layers to the service's shared base: 10 × 5 × 0.15.
    expect(shared.neededGib - alone.neededGib).toBeCloseTo(7.5, 6);
    expect(shared.detail).toContain("+ 5 preview(s)");
  });

  it("sizes previews' own server by maxPerService", () => {
    // The reference team: 4 + 2 × (0.5 + 4 × 0.15) + 0.5.
    expect(previewServerDisk(referenceTeam(), { maxPerService: 5 }).neededGib).toBe(6.7);
    expect(resolvePreviews(referenceTeam())!.rootVolume!.gib).toBe(8);
    expect(previewServerDisk(services(20), { maxPerService: 5 }).gib).toBe(27);
  });

  it("takes the spec's size as given", () => {
    const d = environmentServerDisk(services(60), { rootVolumeGiB: 40 });
    expect(d).toMatchObject({ gib: 40, explicit: true });
    expect(d.detail).toMatch(/^40 GiB as the spec says \(the model: .* = 52.5 GiB\)$/);
  });
});

describe("rootVolumeGiB in the team spec", () => {
  it("refuses a volume below the AMI's snapshot, naming the key", () => {
    const raw = referenceTeamRaw();
    (raw.environments as Record<string, unknown>[])[2].rootVolumeGiB = 6;
    const r = validateTeamSpec(raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContainEqual({
      path: "team.environments[2].rootVolumeGiB",
      message: expect.stringContaining(
        "must be at least 8: EC2 refuses a root volume smaller than the AMI's snapshot",
      ),
    });
  });

  it("refuses previews.rootVolumeGiB when previews share an environment's server", () => {
    const raw = referenceTeamRaw();
    raw.previews = { rootVolumeGiB: 20 };
    const r = validateTeamSpec(raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContainEqual({
      path: "team.previews.rootVolumeGiB",
      message: expect.stringContaining("team.environments[0].rootVolumeGiB"),
    });
  });

  it("reaches the servers: the environment's and previews' own", async () => {
    const raw = referenceTeamRaw();
    (raw.environments as Record<string, unknown>[])[0].rootVolumeGiB = 30;
    raw.previews = { instanceType: "t4g.medium", rootVolumeGiB: 12 };
    const [integration] = await planStacks({ stacks: ["integration"], team: raw });
    const sizes = Object.fromEntries(
      integration.resources
        .filter((r) => r.type === "aws:ec2/instance:Instance")
        .map((r) => [r.name, (r.inputs.rootBlockDevice as { volumeSize: number }).volumeSize]),
    );
    expect(sizes).toEqual({
      "checkout-integration-instance": 30,
      "checkout-integration-previews-instance": 12,
    });
    // The plan says why each volume has its size.
    expect(integration.cost.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^root volume of integration's server: 30 GiB as the spec says \(the model: .* = 6\.1 GiB\)/,
        ),
        expect.stringMatching(/^root volume of previews' own server: 12 GiB as the spec says/),
      ]),
    );
  }, 120_000);
});
