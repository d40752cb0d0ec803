import { githubBranchProtection as rule } from "./github-branch-protection";
import { githubBranchNoBypass } from "./github-branch-no-bypass";
import { githubBranchTwoApprovals } from "./github-branch-two-approvals";
import { messages, referenceContext, res, run } from "../testing";
import { T } from "./util";

/** A top-tier protection ruleset for `main`, as the GitHub component writes it. */
function protectMain(
  over: {
    rules?: Record<string, unknown>;
    pullRequest?: Record<string, unknown>;
    bypassActors?: unknown[];
    includes?: string[];
  } = {},
) {
  return res(T.ghRuleset, {
    repository: "cart-api",
    name: "protect main",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: over.includes ?? ["refs/heads/main"], excludes: [] } },
    rules: {
      deletion: true,
      nonFastForward: true,
      pullRequest: {
        requiredApprovingReviewCount: 2,
        requireCodeOwnerReview: true,
        dismissStaleReviewsOnPush: true,
        requireLastPushApproval: true,
        ...over.pullRequest,
      },
      requiredStatusChecks: {
        requiredChecks: ["lint", "test", "build-image"].map((context) => ({ context, integrationId: 15368 })),
      },
      ...over.rules,
    },
    bypassActors: over.bypassActors ?? [],
  });
}
const repo = res(T.ghRepository, { name: "cart-api", visibility: "private" });
const naming = res(T.ghRuleset, {
  repository: "cart-api",
  target: "branch",
  enforcement: "active",
  conditions: { refName: { includes: ["~ALL"], excludes: ["refs/heads/main", "refs/heads/feature/*"] } },
  rules: { creation: true },
  bypassActors: [],
});

describe(rule.id, () => {
  it("passes a top-tier ruleset, with and without the release policy", () => {
    expect(messages(rule, [repo, protectMain(), naming], referenceContext())).toEqual([]);
    expect(messages(rule, [repo, protectMain(), naming])).toEqual([]);
    expect(messages(githubBranchTwoApprovals, [repo, protectMain()], referenceContext())).toEqual([]);
  });
  it("judges rulesets covering a branch together", () => {
    const split = [
      protectMain({ rules: { requiredStatusChecks: undefined } }),
      res(T.ghRuleset, {
        repository: "cart-api",
        target: "branch",
        enforcement: "active",
        conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
        rules: {
          requiredStatusChecks: {
            requiredChecks: ["lint", "test", "build-image"].map((context) => ({
              context,
              integrationId: 15368,
            })),
          },
        },
        bypassActors: [],
      }),
    ];
    expect(messages(rule, [repo, ...split], referenceContext())).toEqual([]);
  });
  it("fires when a protected branch has no active ruleset", () => {
    const found = run(rule, [repo, naming], referenceContext());
    expect(found).toEqual([
      expect.objectContaining({
        urn: repo.urn,
        message: "cart-api: branch main is not covered by any active branch ruleset",
      }),
    ]);
    const evaluate = res(T.ghRuleset, { ...protectMain().inputs, enforcement: "evaluate" });
    expect(messages(rule, [repo, evaluate], referenceContext())).toHaveLength(1);
  });
  it("fires on each missing Scorecard requirement", () => {
    const cases: [Parameters<typeof protectMain>[0], RegExp][] = [
      [{ rules: { pullRequest: undefined } }, /does not require pull requests/],
      [{ pullRequest: { requiredApprovingReviewCount: 0 } }, /does not require at least one approval/],
      [{ pullRequest: { dismissStaleReviewsOnPush: false } }, /dismissing stale approvals/],
      [{ pullRequest: { requireCodeOwnerReview: false } }, /code-owner review/],
      [{ pullRequest: { requireLastPushApproval: false } }, /approval of the last push/],
      [{ rules: { requiredStatusChecks: { requiredChecks: [] } } }, /does not require status checks/],
      [{ rules: { nonFastForward: false } }, /no force push/],
      [{ rules: { deletion: undefined } }, /no deletion/],
    ];
    for (const [over, expected] of cases) {
      expect(messages(rule, [repo, protectMain(over)])).toContainEqual(expect.stringMatching(expected));
    }
  });
  it("fires on bypass actors: a requirement only a bypassable ruleset imposes does not count", () => {
    const found = messages(rule, [
      repo,
      protectMain({ bypassActors: [{ actorType: "RepositoryRole", actorId: 5, bypassMode: "always" }] }),
    ]);
    expect(found).toContainEqual(expect.stringMatching(/ruleset has bypass actors \(RepositoryRole#5\)/));
    expect(found).toContainEqual(
      expect.stringMatching(
        /requires no deletion \(rules.deletion\) only in rulesets that RepositoryRole#5 may bypass/,
      ),
    );
  });
  it("tolerates the GitHub App Pulumi runs as, never GitHub Actions or another app when the app is known", () => {
    const app = (actorId: number) =>
      protectMain({ bypassActors: [{ actorType: "Integration", actorId, bypassMode: "always" }] });
    expect(messages(rule, [repo, app(1234567)])).toEqual([]);
    expect(messages(rule, [repo, app(1234567)], { automationAppId: 1234567 })).toEqual([]);
    expect(messages(rule, [repo, app(7654321)], { automationAppId: 1234567 })).toContainEqual(
      expect.stringMatching(/ruleset has bypass actors \(Integration#7654321\)/),
    );
    expect(messages(rule, [repo, app(15368)])).toContainEqual(
      expect.stringMatching(/ruleset has bypass actors \(Integration#15368\)/),
    );
    const advice = run(githubBranchNoBypass, [repo, app(1234567)]);
    expect(advice).toEqual([
      expect.objectContaining({
        level: "advisory",
        message:
          "cart-api: branch main can be bypassed by Integration#1234567; Scorecard counts that as exempt",
      }),
    ]);
    expect(run(githubBranchNoBypass, [repo, protectMain()])).toEqual([]);
  });
  it("fires when the ruleset asks less than the release policy: approvals, checks, the Actions app", () => {
    // The reference team's production environment asks for 2 approvals on main.
    expect(
      messages(
        rule,
        [repo, protectMain({ pullRequest: { requiredApprovingReviewCount: 1 } })],
        referenceContext(),
      ),
    ).toEqual(["cart-api: branch main requires 1 approval(s); the release policy asks for 2"]);
    const checks = protectMain({
      rules: {
        requiredStatusChecks: {
          requiredChecks: [{ context: "lint", integrationId: 15368 }, { context: "test" }],
        },
      },
    });
    expect(messages(rule, [repo, checks], referenceContext())).toEqual([
      'cart-api: branch main: status check "test" may be satisfied by any app; pin integrationId 15368 (GitHub Actions)',
      'cart-api: branch main does not require status check "build-image"',
    ]);
  });
});

describe(githubBranchTwoApprovals.id, () => {
  it("advises when a protected branch needs only one approval", () => {
    const found = run(githubBranchTwoApprovals, [
      repo,
      protectMain({ pullRequest: { requiredApprovingReviewCount: 1 } }),
    ]);
    expect(found).toEqual([
      expect.objectContaining({
        level: "advisory",
        message: expect.stringMatching(/requires 1 approval\(s\)/),
      }),
    ]);
  });
});
