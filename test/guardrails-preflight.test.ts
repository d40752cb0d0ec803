/**
 * The preflight rules through the real program and the offline plan: a spec that breaks a limit
 * the real API enforces plans red, with the message naming the team-spec key; the reference
 * team plans green. Spec-level collisions are refused before anything is planned (exit 1), not
 * as a duplicate URN (exit 3).
 */
import * as fakeCloud from "../plan/fake-cloud";
import { releasePolicy } from "../components/release";
import { parseTeamSpec } from "../components/team";
import { requiredAppPermissions, unknownGithubTypes } from "../components/github/app-permissions";
import { checkResources, type Lookup } from "../policy/index";
import { generatedTeam } from "../plan/generate";
import { referenceTeamRaw } from "./fixtures";
import { planOutcome } from "./guardrails-support";

const mandatory = <V extends { level: string }>(violations: V[]) =>
  violations.filter((v) => v.level === "mandatory");

/** Plans `stacks` for `team`, recording the function calls the program makes (as the plan will). */
async function planWithLookups(team: Record<string, unknown>, stacks: string[], config = {}) {
  const lookups: Lookup[] = [];
  const original = fakeCloud.fakeCall;
  const spy = jest.spyOn(fakeCloud, "fakeCall").mockImplementation((req) => {
    const outputs = original(req);
    lookups.push({ token: req.token, inputs: req.inputs, outputs });
    return outputs;
  });
  try {
    const outcome = await planOutcome({ stacks, team, config });
    if (!outcome.ok) throw outcome.error;
    return { plans: outcome.plans, lookups };
  } finally {
    spy.mockRestore();
  }
}

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

  it("refuses an x86 instance type on the arm64 AMI the server resolves, naming its instanceType key", async () => {
    const team = referenceTeamRaw();
    (team.environments as Record<string, unknown>[])[2].instanceType = "t3.small";
    const { plans, lookups } = await planWithLookups(team, ["production"]);
    const production = plans[0];
    // Without the recorded lookups the rule cannot know the AMI's architecture: the plan as
    // wired today stays silent (the lead wires PolicyContext.lookups into plan/).
    expect(production.policy.violations.map((v) => v.policy)).not.toContain("aws-ec2-ami-architecture");
    // It is red all the same: one image cannot run on arm64 integration and x86 production.
    expect(mandatory(production.policy.violations).map((v) => v.policy)).toContain(
      "release-one-architecture",
    );
    const found = checkResources(production.resources, { ...context(team, "production"), lookups }).filter(
      (v) => v.policy === "aws-ec2-ami-architecture",
    );
    expect(found.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /^instance type "t3\.small" is x86_64 but AMI ami-0[0-9a-f]+ is arm64: EC2 refuses to launch it\. Set team\.environments\[2\]\.instanceType to a Graviton type/,
      ),
    ]);
    const graviton = referenceTeamRaw();
    const again = await planWithLookups(graviton, ["production"]);
    expect(
      checkResources(again.plans[0].resources, {
        ...context(graviton, "production"),
        lookups: again.lookups,
      }).filter((v) => v.policy === "aws-ec2-ami-architecture"),
    ).toEqual([]);
  });

  it("refuses the user data of seven services on one server (over 16 KB), naming team.services", async () => {
    const team = generatedTeam(referenceTeamRaw(), 7);
    const outcome = await planOutcome({ stacks: ["production"], team });
    if (!outcome.ok) throw outcome.error;
    expect(mandatory(outcome.plans[0].policy.violations).map((v) => [v.policy, v.message])).toEqual([
      [
        "aws-ec2-user-data-size",
        expect.stringMatching(
          /^userData is 1\d,\d{3} bytes; EC2 accepts at most 16,384 .* team\.services \(7 services\)/,
        ),
      ],
    ]);
  });

  it("refuses a role name that Pulumi's suffix pushes past 64, naming team.name and the environment", async () => {
    const team = referenceTeamRaw();
    team.name = "checkout-payments-platform";
    (team.environments as Record<string, unknown>[])[2].name = "production-europe-west";
    const outcome = await planOutcome({
      stacks: ["production"],
      team,
      config: { production: { environment: "production-europe-west" } },
    });
    if (!outcome.ok) throw outcome.error;
    const found = outcome.plans[0].policy.violations.filter((v) => v.policy === "aws-iam-name-length");
    expect(found.map((v) => v.message)).toEqual([
      'role name would be 69 characters (the logical name "checkout-payments-platform-production-europe-west-deploy-role" (61) plus Pulumi\'s "-" and 7 random characters); IAM allows 64. Shorten team.name or team.environments[2].name',
    ]);
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
