/**
 * A 300-service team either plans within every limit the real APIs enforce or is refused with
 * the limit named — never green-then-broken. Today it is refused: one server cannot carry 300
 * service ports (60 inbound rules a security group), nor their user data (16 KB), nor a server
 * role's inline policy (10,240 characters); one build role cannot trust 300 repositories (2,048
 * characters). The spec is generated (plan/generate.ts: unique names and ports). Slow: it plans
 * the shared and one environment stack of 300 services (~1 min and ~2.4 GB here before the plan
 * is made faster).
 */
import { generatedTeam } from "../plan/generate";
import type { StackPlan } from "../plan/runner";
import { validateTeamSpec } from "../components/team";
import { referenceTeamRaw } from "./fixtures";
import { planOutcome } from "./guardrails-support";

jest.setTimeout(300_000);

describe("a 300-service team", () => {
  const team = generatedTeam(referenceTeamRaw(), 300);
  let plans: StackPlan[];
  beforeAll(async () => {
    const outcome = await planOutcome({ stacks: ["shared", "production"], team });
    if (!outcome.ok) throw outcome.error;
    plans = outcome.plans;
  });

  it("is a valid spec (the schema allows 500 services): the limits are the APIs', not the spec's", () => {
    expect(validateTeamSpec(team).ok).toBe(true);
  });

  it("is refused in the environment stack, each refusal naming its limit and team.services", () => {
    const production = plans[1];
    const refused = production.policy.violations.filter((v) => v.level === "mandatory");
    const byPolicy = Object.fromEntries(refused.map((v) => [v.policy, v.message]));
    expect(Object.keys(byPolicy).sort()).toEqual(
      expect.arrayContaining([
        "aws-ec2-user-data-size",
        "aws-iam-policy-size",
        "aws-security-group-rule-count",
      ]),
    );
    expect(byPolicy["aws-security-group-rule-count"]).toMatch(
      /^ingress has 300 IPv4 rules; .*at most 60 inbound/,
    );
    expect(byPolicy["aws-ec2-user-data-size"]).toMatch(/EC2 accepts at most 16,384/);
    const iam = refused.filter((v) => v.policy === "aws-iam-policy-size").map((v) => v.message);
    expect(iam.some((m) => /IAM allows 10,240 per role/.test(m))).toBe(true);
    for (const v of refused) expect(v.message).toContain("team.services (300 services)");
  });

  it("is refused in the shared stack: the build role cannot trust 300 repositories", () => {
    const shared = plans[0];
    const trust = shared.policy.violations.filter(
      (v) => v.level === "mandatory" && v.policy === "aws-iam-policy-size" && /trust policy/.test(v.message),
    );
    expect(trust.map((v) => v.message)).toEqual([
      expect.stringMatching(
        /^role checkout-build-role: trust policy is [\d,]+ characters without white space; IAM's default quota is 2,048/,
      ),
    ]);
  });

  it("says how long GitHub's content limits make its first up, and how to spread it", () => {
    const rate = plans[0].policy.violations.find((v) => v.policy === "github-content-rate");
    expect(rate?.level).toBe("advisory");
    expect(rate?.message).toMatch(/^a first `pulumi up` makes about [\d,]+ content-creating GitHub requests/);
    expect(rate?.message).toContain("500 an hour");
  });
});
