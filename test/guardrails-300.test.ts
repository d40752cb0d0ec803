/**
 * A 300-service team either plans within every limit the real APIs enforce or is refused with
 * the limit named — never green-then-broken. Its shared stack plans within every limit (one build
 * role per repository, each far below IAM's sizes), with advisories for the account's role quota
 * and GitHub's content rate; its environment stack is refused: one server's boot document carries
 * every service's settings and passes SSM's 64 KB. The spec is generated (plan/generate.ts: unique
 * names and ports). Slow (an e2e suite): it plans 300 services in two stacks.
 */
import { generatedTeam } from "../plan/generate";
import type { StackPlan } from "../plan/runner";
import { validateTeamSpec } from "../components/team";
import { referenceTeamRaw } from "./fixtures";
import { planOutcome } from "./guardrails-support";

jest.setTimeout(900_000);

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

  it("is refused in the environment stack: the server's boot document passes SSM's 64 KB, naming team.services", () => {
    const refused = plans[1].policy.violations.filter((v) => v.level === "mandatory");
    expect(refused.map((v) => v.policy)).toEqual(["aws-ssm-document-limits"]);
    expect(refused[0].message).toMatch(
      /^document checkout-production-agent-boot: content is [\d,]+ bytes; Systems Manager allows 65,536 \(64 KB\); it grows with team\.services \(300 services on one server\)/,
    );
  });

  it("plans the shared stack within every limit: one small build role per repository", () => {
    const shared = plans[0];
    expect(shared.policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    const builds = shared.resources.filter((r) => r.type === "aws:iam/role:Role");
    expect(builds).toHaveLength(300);
    for (const r of builds)
      expect(String(r.inputs.assumeRolePolicy).replace(/\s/g, "").length).toBeLessThan(2048);
  });

  it("says the account's role quota must be raised, and how long GitHub's content limits make its first up", () => {
    const advisories = plans[0].policy.violations.filter((v) => v.level === "advisory");
    const quota = advisories.find((v) => v.policy === "aws-iam-role-quota");
    expect(quota?.message).toMatch(/^the team's stacks create 1,203 IAM roles/);
    const rate = advisories.find((v) => v.policy === "github-content-rate");
    expect(rate?.message).toMatch(/^a first `pulumi up` makes about [\d,]+ content-creating GitHub requests/);
    expect(rate?.message).toContain("500 an hour");
  });
});
