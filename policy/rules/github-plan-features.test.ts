import { releasePolicy } from "../../components/release";
import { parseTeamSpec } from "../../components/team";
import { githubPlanFeatures as rule } from "./github-plan-features";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

function context(plan: string, visibility = "private") {
  const raw = referenceContext().spec!;
  const spec = parseTeamSpec({
    ...raw,
    github: { ...raw.github, plan },
    services: raw.services.map((s) => ({ ...s, visibility })),
    environments: raw.environments.map((e) => ({
      ...e,
      waitTimerMinutes: 0,
      requiredReviewers: ["alice-lead"],
    })),
  });
  return { spec, policy: releasePolicy(spec) };
}
// Built straight from inputs: the spec is valid only where the plan allows it.
function loose(plan: string) {
  const ctx = referenceContext();
  return { ...ctx, spec: { ...ctx.spec!, github: { ...ctx.spec!.github, plan: plan as "team" } } };
}

const nameRuleset = res(T.ghRuleset, {
  name: "branch name format",
  repository: "cart-api",
  target: "branch",
  rules: { branchNamePattern: { operator: "regex", pattern: "^main$" } },
});
const environment = res(
  T.ghEnvironment,
  { environment: "production", repository: "cart-api", reviewers: [{ users: [1], teams: [] }], waitTimer: 5 },
  { stack: "production" },
);

describe(rule.id, () => {
  it("passes name patterns and environment protections on Enterprise", () => {
    expect(messages(rule, [nameRuleset, environment], referenceContext())).toEqual([]);
  });
  it("fires on metadata restrictions below Enterprise, naming team.github.plan", () => {
    expect(messages(rule, [nameRuleset], loose("team"))).toEqual([
      'ruleset "branch name format" on cart-api uses metadata restrictions (branchNamePattern) needs GitHub Enterprise, but team.github.plan is "team": set team.github.plan to the organization\'s real plan, or change the spec so the program does not ask for it',
    ]);
  });
  it("fires on reviewers and wait timers of a private repository on Team, not on a public one", () => {
    const found = messages(rule, [environment], loose("team"));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /^environment "production" on private repository cart-api: required reviewers needs GitHub Enterprise/,
    );
    expect(found[1]).toMatch(/a wait timer needs GitHub Enterprise/);
    expect(messages(rule, [environment], context("team", "public"))).toEqual([]);
  });
  it("fires on any ruleset or environment of a private repository on Free", () => {
    const ruleset = res(T.ghRuleset, {
      name: "protect main",
      repository: "cart-api",
      target: "branch",
      rules: {},
    });
    expect(messages(rule, [ruleset, environment], loose("free"))).toEqual([
      'ruleset "protect main" on cart-api (a private repository) needs GitHub Pro, Team or Enterprise, but team.github.plan is "free": set team.github.plan to the organization\'s real plan, or change the spec so the program does not ask for it',
      'environment "production" on private repository cart-api needs GitHub Pro, Team or Enterprise (or a public repository), but team.github.plan is "free": set team.github.plan to the organization\'s real plan, or change the spec so the program does not ask for it',
    ]);
  });
  it("allows push rulesets from the Team plan on, on private repositories only", () => {
    const push = res(T.ghRuleset, { name: "no binaries", repository: "cart-api", target: "push", rules: {} });
    expect(messages(rule, [push], loose("team"))).toEqual([]);
    expect(messages(rule, [push], loose("pro"))[0]).toMatch(
      /is a push ruleset needs GitHub Team or Enterprise/,
    );
    expect(messages(rule, [push], context("enterprise", "public"))).toEqual([
      'ruleset "no binaries" on cart-api is a push ruleset on a public repository; GitHub offers push rulesets only for private and internal repositories (team.services[].visibility)',
    ]);
  });
});
