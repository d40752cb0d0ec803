/**
 * The preflight rules through the real program and the offline plan: a spec that breaks a limit
 * the real API enforces plans red, with the message naming the team-spec key; the reference
 * team plans green. Spec-level collisions are refused before anything is planned (exit 1), not
 * as a duplicate URN (exit 3).
 */
import { releasePolicy } from "../components/release";
import { parseTeamSpec } from "../components/team";
import { requiredAppPermissions, unknownGithubTypes } from "../components/github/app-permissions";
import { checkResources } from "../policy/index";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, referenceTeamRaw } from "./fixtures";
import { planOutcome } from "./guardrails-support";

const mandatory = <V extends { level: string }>(violations: V[]) =>
  violations.filter((v) => v.level === "mandatory");

function context(team: Record<string, unknown>, environment?: string) {
  const spec = parseTeamSpec(team);
  return {
    spec,
    policy: releasePolicy(spec),
    environment,
    role: environment ? ("environment" as const) : undefined,
  };
}

describe("preflight rules on real plans", () => {
  it("knows the App permissions of every GitHub resource type the reference team registers", async () => {
    const outcome = await planOutcome({ stacks: ["shared", "production"] });
    if (!outcome.ok) throw outcome.error;
    const types = outcome.plans.flatMap((p) => p.resources.map((r) => r.type));
    expect(unknownGithubTypes(types)).toEqual([]);
    expect(requiredAppPermissions(outcome.plans[0].resources.map((r) => r.type))).toEqual({
      administration: "write",
      contents: "write",
      members: "write",
      metadata: "read",
      // The repository secrets the final notify job (and sonar) read: SLACK_WEBHOOK_URL.
      secrets: "write",
      variables: "write",
      workflows: "write",
    });
  });

  // The server picks the AMI of its instance type's architecture (al2023AmiParameter), so only a
  // pinned serverAmi can disagree with it: the program looks the pin up (aws:ec2/getAmi), and the
  // plan knows its architecture from facts.yaml's aws.amis or lists it as an assumption.
  it("refuses a pinned serverAmi facts.yaml says is arm64 on an x86 instance type, naming its instanceType key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinned-ami-"));
    const ami = "ami-0fedcba9876543210";
    const facts = (architecture?: string) =>
      fs.readFileSync(path.join(REPO_ROOT, "facts.yaml"), "utf8") +
      (architecture ? `  amis:\n    ${ami}: { architecture: ${architecture} }\n` : "");
    // x86 everywhere (one image for every environment); previews off: a t3.small holds none.
    const team = referenceTeamRaw();
    (team.environments as Record<string, unknown>[]).forEach((e) => (e.instanceType = "t3.small"));
    team.previews = { enabled: false };
    const plan = async () => {
      const outcome = await planOutcome({
        stacks: ["production"],
        team,
        dir,
        config: { production: { serverAmi: ami } },
      });
      if (!outcome.ok) throw outcome.error;
      const production = outcome.plans.find((p) => p.stack === "production")!;
      return {
        found: mandatory(production.policy.violations).filter((v) => v.policy === "aws-ec2-ami-architecture"),
        assumed: production.assumptions.filter((a) => a.kind === "aws-ami").map((a) => a.name),
        ami: production.resources.find((r) => r.type === "aws:ec2/instance:Instance")?.inputs.ami,
      };
    };
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.shared.yaml", "Pulumi.production.yaml"])
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));

      fs.writeFileSync(path.join(dir, "facts.yaml"), facts("arm64"));
      const arm = await plan();
      expect(arm.ami).toBe(ami);
      expect(arm.assumed).toEqual([]);
      expect(arm.found.map((v) => v.message)).toEqual([
        `instance type "t3.small" is x86_64 but AMI ${ami} is arm64: EC2 refuses to launch it. Set team.environments[2].instanceType to a Graviton type (t4g.micro, t4g.small, m7g.large, …)`,
      ]);

      fs.writeFileSync(path.join(dir, "facts.yaml"), facts("x86_64"));
      expect(await plan()).toEqual({ found: [], assumed: [], ami });

      // Not in facts.yaml: nothing to compare, so nothing refused, but the plan says so.
      fs.writeFileSync(path.join(dir, "facts.yaml"), facts());
      expect(await plan()).toEqual({ found: [], assumed: [ami], ami });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses user data over 16 KB on a recorded server, and the program's stays far below", async () => {
    // The user data is constant (the agent arrives as SSM documents): measured on a real plan.
    // user-data.test.ts measures it equal for the 60-service examples/large.yaml.
    const team = referenceTeamRaw();
    const outcome = await planOutcome({ stacks: ["production"], team });
    if (!outcome.ok) throw outcome.error;
    const production = outcome.plans.find((p) => p.stack === "production")!;
    const server = production.resources.find((r) => r.type === "aws:ec2/instance:Instance")!;
    const bytes = Buffer.byteLength(String(server.inputs.userData), "utf8");
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(16_384 / 2);
    expect(production.policy.violations.filter((v) => v.policy === "aws-ec2-user-data-size")).toEqual([]);

    // The rule still guards a future change: the same recorded server with 17 KB of user data.
    const grown = { ...server, inputs: { ...server.inputs, userData: "#!/bin/sh\n" + "#".repeat(17_000) } };
    expect(
      checkResources([grown], context(team, "production"))
        .filter((v) => v.policy === "aws-ec2-user-data-size")
        .map((v) => [v.policy, v.level, v.message]),
    ).toEqual([
      [
        "aws-ec2-user-data-size",
        "mandatory",
        expect.stringMatching(/^userData is 17,010 bytes; EC2 accepts at most 16,384 /),
      ],
    ]);
  });

  // Deploy roles are named explicitly now (bounded, with a hash: per-repository roles), so the
  // auto-named role left is the server's, `<team>-<environment>-role`: the longest team name.
  it("refuses a role name that Pulumi's suffix pushes past 64, naming team.name and the environment", async () => {
    const team = referenceTeamRaw();
    team.name = "checkout-payments-platform-europe-west1";
    (team.environments as Record<string, unknown>[])[2].name = "production-europe-west";
    const outcome = await planOutcome({
      stacks: ["production"],
      team,
      config: { production: { environment: "production-europe-west" } },
    });
    if (!outcome.ok) throw outcome.error;
    const production = outcome.plans.find((p) => p.stack === "production")!;
    const found = production.policy.violations.filter((v) => v.policy === "aws-iam-name-length");
    expect(found.map((v) => [v.level, v.message])).toEqual([
      [
        "mandatory",
        'role name would be 75 characters (the logical name "checkout-payments-platform-europe-west1-production-europe-west-role" (67) plus Pulumi\'s "-" and 7 random characters); IAM allows 64. Shorten team.name or team.environments[2].name',
      ],
    ]);
    // The explicitly named deploy roles stay within 64 however long the names.
    const named = production.resources
      .filter((r) => r.type === "aws:iam/role:Role" && typeof r.inputs.name === "string")
      .map((r) => String(r.inputs.name).length);
    expect(named.length).toBeGreaterThan(0);
    expect(Math.max(...named)).toBeLessThanOrEqual(64);
  });

  it("refuses colliding former names and an environment named shared before planning (exit 1, not a duplicate URN)", async () => {
    const team = referenceTeamRaw();
    (team.services as Record<string, unknown>[])[1].formerNames = ["cart-api"];
    (team.environments as Record<string, unknown>[])[0].name = "shared";
    const outcome = await planOutcome({ stacks: ["shared"], team });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.message).not.toMatch(/duplicate URN/);
    expect(outcome.issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(["team.services[1].formerNames[0]", "team.environments[0].name"]),
    );
  });
});
