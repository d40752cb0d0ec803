/**
 * aws-ec2-root-volume-snapshot through the real program and the offline plan: EC2 refuses a root
 * volume smaller than the AMI's root snapshot (InvalidBlockDeviceMapping), so a pinned
 * `serverAmi` whose snapshot facts.yaml gives as larger than the servers' root volumes plans red,
 * naming each server's key; the reference team (the latest AL2023 AMI, its snapshot assumed
 * 8 GiB) plans without it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readFacts } from "../plan/facts";
import { REPO_ROOT } from "./fixtures";
import { planOutcome } from "./guardrails-support";
import type { StackPlan } from "./harness";

const RULE = "aws-ec2-root-volume-snapshot";
const found = (plan: StackPlan) => plan.policy.violations.filter((v) => v.policy === RULE);

describe(`${RULE} on real plans`, () => {
  it("refuses a pinned serverAmi whose 30 GiB root snapshot exceeds the servers' root volumes, naming each key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-snapshot-"));
    const ami = "ami-0fedcba9876543210";
    const facts = (entry?: string) =>
      fs.readFileSync(path.join(REPO_ROOT, "facts.yaml"), "utf8") +
      (entry ? `  amis:\n    ${ami}: ${entry}\n` : "");
    // integration hosts the reference team's previews on their own server: both pin the AMI.
    const plan = async () => {
      const outcome = await planOutcome({
        stacks: ["integration"],
        dir,
        config: { integration: { serverAmi: ami } },
      });
      if (!outcome.ok) throw outcome.error;
      const integration = outcome.plans.find((p) => p.stack === "integration")!;
      const servers = integration.resources.filter((r) => r.type === "aws:ec2/instance:Instance");
      return {
        amis: servers.map((s) => s.inputs.ami),
        volumes: servers.map((s) => (s.inputs.rootBlockDevice as { volumeSize: number }).volumeSize),
        violations: found(integration).map((v) => [v.level, v.message]),
        assumed: integration.assumptions.filter((a) => a.name === ami).map((a) => a.kind),
      };
    };
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.shared.yaml", "Pulumi.integration.yaml"])
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));

      fs.writeFileSync(path.join(dir, "facts.yaml"), facts("{ architecture: arm64, rootSnapshotGiB: 30 }"));
      const big = await plan();
      expect(big.amis).toEqual([ami, ami]);
      expect(big.assumed).toEqual([]);
      const sizes = big.volumes;
      expect(sizes.every((s) => s < 30)).toBe(true);
      const message = (size: number, key: string) =>
        `root volume of ${size} GiB is smaller than the 30 GiB root snapshot of AMI ${ami}: EC2 refuses to launch it ` +
        `(InvalidBlockDeviceMapping: "Volume of size ${size}GB is smaller than snapshot …, expect size >= 30GB"). ` +
        `Set ${key} to 30 or more, or pin an AMI with a smaller root snapshot (stack config serverAmi)`;
      expect(big.violations.sort()).toEqual(
        [
          ["mandatory", message(sizes[0], "team.environments[0].rootVolumeGiB")],
          ["mandatory", message(sizes[1], "team.previews.rootVolumeGiB")],
        ].sort(),
      );

      // A snapshot as large as the root volumes: nothing refused.
      const largest = Math.min(...sizes);
      fs.writeFileSync(
        path.join(dir, "facts.yaml"),
        facts(`{ architecture: arm64, rootSnapshotGiB: ${largest} }`),
      );
      expect(await plan()).toMatchObject({ violations: [], assumed: [] });

      // Listed without its snapshot (a facts file from before rootSnapshotGiB): still valid,
      // planned with the standard AL2023 AMI's 8 GiB, and said so.
      fs.writeFileSync(path.join(dir, "facts.yaml"), facts("{ architecture: arm64 }"));
      expect(await plan()).toMatchObject({ violations: [], assumed: ["aws-ami-root-snapshot"] });

      // Not listed: nothing to compare, nothing refused, the AMI assumed.
      fs.writeFileSync(path.join(dir, "facts.yaml"), facts());
      expect(await plan()).toMatchObject({ violations: [], assumed: ["aws-ami"] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("validates aws.amis entries in facts.yaml, naming each bad key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ami-facts-"));
    try {
      fs.writeFileSync(
        path.join(dir, "facts.yaml"),
        [
          "aws:",
          '  accountId: "123456789012"',
          "  amis:",
          "    ami-0fedcba9876543210: { architecture: arm64, rootSnapshotGiB: 0, rootDeviceName: xvda }",
          "    ami-0123456789abcdef0: { architecture: x86_64, rootSnapshotGiB: 7.5 }",
          "    ami-0a0a0a0a0a0a0a0a0: { architecture: arm64, rootSnapshotGiB: 30 }",
          "",
        ].join("\n"),
      );
      expect(readFacts(dir).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        "facts.aws.amis.ami-0fedcba9876543210.rootSnapshotGiB: must be at least 1 GiB",
        "facts.aws.amis.ami-0fedcba9876543210.rootDeviceName: must be a device name such as /dev/xvda",
        "facts.aws.amis.ami-0123456789abcdef0.rootSnapshotGiB: must be a whole number of GiB",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds nothing to refuse in the reference team's plans (the latest AL2023 AMI, snapshot assumed 8 GiB)", async () => {
    const outcome = await planOutcome({ stacks: ["shared", "integration", "staging", "production"] });
    if (!outcome.ok) throw outcome.error;
    const servers = outcome.plans.flatMap((p) =>
      p.resources.filter((r) => r.type === "aws:ec2/instance:Instance"),
    );
    // Three environments' servers and the previews' own, each at least the assumed snapshot.
    expect(servers.length).toBe(4);
    for (const s of servers)
      expect((s.inputs.rootBlockDevice as { volumeSize: number }).volumeSize).toBeGreaterThanOrEqual(8);
    for (const plan of outcome.plans) expect([plan.stack, found(plan)]).toEqual([plan.stack, []]);
  });
});
