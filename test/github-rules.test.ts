/**
 * The GitHub rules, read back as a story: walk the generated rulesets and environment policies
 * (evaluating their fnmatch patterns the way GitHub does) and check they say what the release
 * policy says — for every branch model.
 */
import fc from "fast-check";
import {
  deploymentFor,
  fnmatch,
  GITHUB_ACTIONS_APP_ID,
  RC_TAG,
  releasePolicy,
  type RefKind,
  type ReleasePolicy,
} from "../components/release";
import type { TeamSpec } from "../components/team";
import {
  allowedBranchRegex,
  codeownersFile,
  codeownersRules,
  judgeMerge,
  judgePush,
  type Actor,
  deploymentPolicies,
  deploymentRefs,
  environmentSettings,
  longLivedBranches,
  maintainersTeamName,
  repositoryRulesets,
  repositorySettings,
  teamMembers,
  type RulesetSpec,
} from "../components/github";
import { deployWorkflowPath, ROLLBACK_WORKFLOW, serviceWorkflows } from "../components/pipeline";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";

/** Does a ruleset's ref condition select this ref? (`~ALL`, includes minus excludes, fnmatch.) */
function selects(ruleset: RulesetSpec, kind: RefKind, name: string): boolean {
  if (ruleset.target !== kind) return false;
  const ref = `${kind === "branch" ? "refs/heads/" : "refs/tags/"}${name}`;
  const { includes, excludes } = ruleset.conditions.refName;
  const included = includes.some((p) => p === "~ALL" || fnmatch(p, ref));
  return included && !excludes.some((p) => fnmatch(p, ref));
}

function applying(rulesets: readonly RulesetSpec[], kind: RefKind, name: string): RulesetSpec[] {
  return rulesets.filter((r) => selects(r, kind, name));
}

/** Can someone who is not a bypass actor create this ref? (creation rule, name patterns.) */
function anyoneMayCreate(rulesets: readonly RulesetSpec[], kind: RefKind, name: string): boolean {
  return applying(rulesets, kind, name).every((r) => {
    if (r.rules.creation) return false;
    const pattern = kind === "branch" ? r.rules.branchNamePattern : r.rules.tagNamePattern;
    return !pattern || new RegExp(pattern.pattern).test(name) !== pattern.negate;
  });
}

/** Can anyone at all (bypass actors included) update or delete this ref? */
function immutable(rulesets: readonly RulesetSpec[], kind: RefKind, name: string): boolean {
  const rs = applying(rulesets, kind, name);
  const noBypassUpdate = rs.some((r) => r.rules.update === true && r.bypassActors.length === 0);
  const noBypassDelete = rs.some((r) => r.rules.deletion === true && r.bypassActors.length === 0);
  return noBypassUpdate && noBypassDelete;
}

function prOnly(rulesets: readonly RulesetSpec[], name: string): boolean {
  return applying(rulesets, "branch", name).some(
    (r) => r.rules.pullRequest !== undefined && r.bypassActors.length === 0,
  );
}

/** The environments whose deployment policy (the fence) admits a ref. */
function environmentsAdmitting(policy: ReleasePolicy, kind: RefKind, name: string): string[] {
  return policy.deployments
    .filter((d) =>
      deploymentPolicies(d).some((p) => {
        const pattern = kind === "tag" ? p.tagPattern : p.branchPattern;
        return pattern !== undefined && fnmatch(pattern, name);
      }),
    )
    .map((d) => d.environment);
}

const rulesFor = (spec: TeamSpec) => {
  const policy = releasePolicy(spec);
  return { policy, rulesets: repositoryRulesets(spec, policy, maintainersTeamName(spec)) };
};

const CANDIDATE_BRANCHES = [
  "main",
  "master",
  "staging",
  "pre-production",
  "develop",
  "release/1.0",
  "feature/login",
  "feature/team/login",
  "hotfix/crash",
  "feature/a b",
  "gh-pages",
];

describe("the story the rules tell, per branch model", () => {
  it.each(BRANCH_MODELS_UNDER_TEST)("%s: exactly the protected branches are PR-only", (model) => {
    const { policy, rulesets } = rulesFor(teamFor(model));
    const protectedNames = policy.protectedBranches.map((b) => b.name);
    for (const name of [...CANDIDATE_BRANCHES, ...protectedNames]) {
      expect([name, prOnly(rulesets, name)]).toEqual([name, protectedNames.includes(name)]);
    }
  });

  it.each(BRANCH_MODELS_UNDER_TEST)(
    "%s: each protected branch carries the policy's review and checks",
    (model) => {
      const { policy, rulesets } = rulesFor(
        teamFor(model, { people: { maintainers: ["alice"], requiredApprovals: 2 } }),
      );
      for (const branch of policy.protectedBranches) {
        const [rs] = applying(rulesets, "branch", branch.name).filter((r) => r.rules.pullRequest);
        expect(rs.enforcement).toBe("active");
        expect(rs.bypassActors).toEqual([]);
        expect(rs.rules).toMatchObject({
          deletion: true,
          nonFastForward: true,
          requiredLinearHistory: branch.linearHistory,
          pullRequest: {
            requiredApprovingReviewCount: branch.requiredApprovals,
            requireCodeOwnerReview: true,
            dismissStaleReviewsOnPush: true,
            requireLastPushApproval: true,
            requiredReviewThreadResolution: true,
            allowedMergeMethods: branch.mergeMethods,
          },
        });
        expect(rs.rules.pullRequest!.requiredApprovingReviewCount).toBe(2);
        // Exactly the policy's checks (the generated CI job names), from GitHub Actions only.
        expect(rs.rules.requiredStatusChecks!.requiredChecks).toEqual(
          branch.requiredChecks.map((context) => ({ context, integrationId: GITHUB_ACTIONS_APP_ID })),
        );
        // Up to date with the base where work branches merge; never on a promotion target, whose
        // own merge commit cannot reach its PR-only, linear source (test/git-replay.test.ts).
        expect(rs.rules.requiredStatusChecks!.strictRequiredStatusChecksPolicy).toBe(!branch.promotionTarget);
        expect(branch.requireUpToDate).toBe(!branch.promotionTarget);
      }
    },
  );

  it.each(BRANCH_MODELS_UNDER_TEST)(
    "%s: a team with sonar requires the sonar check on every protected branch, from GitHub Actions",
    (model) => {
      const sonar = { hostUrl: "https://sonarcloud.io", organization: "acme" };
      const withSonar = rulesFor(teamFor(model, { quality: { sonar } }));
      const without = rulesFor(teamFor(model));
      for (const b of withSonar.policy.protectedBranches) {
        const rs = withSonar.rulesets.find((r) => r.key === `branch-${b.name}`)!;
        expect(rs.rules.requiredStatusChecks!.requiredChecks).toContainEqual({
          context: "sonar",
          integrationId: GITHUB_ACTIONS_APP_ID,
        });
        const plain = without.rulesets.find((r) => r.key === `branch-${b.name}`)!;
        expect(plain.rules.requiredStatusChecks!.requiredChecks.map((c) => c.context)).not.toContain("sonar");
      }
    },
  );

  it("staging-branch: PRs into main must pass the pr-source check; linear history only where squashing", () => {
    const { rulesets } = rulesFor(teamFor("staging-branch"));
    const main = applying(rulesets, "branch", "main").find((r) => r.rules.pullRequest)!;
    const staging = applying(rulesets, "branch", "staging").find((r) => r.rules.pullRequest)!;
    expect(main.rules.requiredStatusChecks!.requiredChecks.map((c) => c.context)).toContain("pr-source");
    expect(staging.rules.requiredStatusChecks!.requiredChecks.map((c) => c.context)).not.toContain(
      "pr-source",
    );
    expect(main.rules.requiredLinearHistory).toBe(false);
    expect(main.rules.pullRequest!.allowedMergeMethods).toEqual(["merge"]);
    expect(staging.rules.requiredLinearHistory).toBe(true);
    expect(staging.rules.pullRequest!.allowedMergeMethods).toEqual(["squash"]);
  });

  it.each(BRANCH_MODELS_UNDER_TEST)("%s: only allowed branch names can be created", (model) => {
    const { policy, rulesets } = rulesFor(teamFor(model));
    const allowed = (name: string) =>
      policy.protectedBranches.some((b) => b.name === name) ||
      /^(feature|hotfix)\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name);
    for (const name of CANDIDATE_BRANCHES) {
      expect([name, anyoneMayCreate(rulesets, "branch", name)]).toEqual([name, allowed(name)]);
    }
  });

  it("on plans without metadata restrictions the exact name rule is left out (advisory)", () => {
    const { rulesets } = rulesFor(
      teamFor("trunk", {
        github: { owner: "acme", plan: "team" },
        services: [{ name: "api", visibility: "public" }],
      }),
    );
    expect(rulesets.some((r) => r.rules.branchNamePattern || r.rules.tagNamePattern)).toBe(false);
    // The fnmatch fence still refuses other names, but admits the odd name fnmatch cannot refuse.
    expect(anyoneMayCreate(rulesets, "branch", "develop")).toBe(false);
    expect(anyoneMayCreate(rulesets, "branch", "feature/a b")).toBe(true);
  });

  it.each(BRANCH_MODELS_UNDER_TEST)(
    "%s: release tags are immutable and created only by the allowed actors",
    (model) => {
      const spec = teamFor(model, {
        people: { maintainers: ["alice", "acme/leads"] },
        release: { tagCreators: ["acme/release-managers"] },
      });
      const { policy, rulesets } = rulesFor(spec);
      const samples = ["v1.2.3", "v10.0.1", ...(policy.releaseTags.length > 1 ? ["v1.2.3-rc.4"] : [])];
      for (const tag of samples) {
        expect([tag, immutable(rulesets, "tag", tag)]).toEqual([tag, true]);
        expect(anyoneMayCreate(rulesets, "tag", tag)).toBe(false);
        const creation = applying(rulesets, "tag", tag).find((r) => r.rules.creation)!;
        expect(creation.bypassActors).toEqual([
          { actorType: "Team", teamSlug: "payments-maintainers", bypassMode: "always" },
          { actorType: "Team", teamSlug: "leads", bypassMode: "always" },
          { actorType: "Team", teamSlug: "release-managers", bypassMode: "always" },
        ]);
        // Nothing automated creates release tags: GitHub refuses the Actions app as a bypass
        // actor (422), and a workflow's GITHUB_TOKEN must never mint one.
        expect(creation.bypassActors.some((a) => a.actorType === "Integration")).toBe(false);
      }
      // A tag that is not a release tag is not frozen.
      expect(immutable(rulesets, "tag", "docs-snapshot")).toBe(false);
      // Enterprise: a tag that looks like a release (fnmatch) but is not one (regex) cannot exist.
      const exact = rulesets.find((r) => r.rules.tagNamePattern)!;
      expect(exact.rules.tagNamePattern!.pattern).toBe(policy.releaseTagRegex);
      expect(exact.bypassActors).toEqual([]);
      expect(selects(exact, "tag", "v1.2.3x")).toBe(true);
      expect(new RegExp(exact.rules.tagNamePattern!.pattern).test("v1.2.3x")).toBe(false);
    },
  );

  it.each(BRANCH_MODELS_UNDER_TEST)(
    "%s: each environment's policy admits what the exact rule sends it",
    (model) => {
      const policy = releasePolicy(teamFor(model));
      const refs: Array<[RefKind, string]> = [
        ...CANDIDATE_BRANCHES.map((b): [RefKind, string] => ["branch", b]),
        ["tag", "v1.2.3"],
        ["tag", "v1.2.3-rc.1"],
        ["tag", "nightly"],
      ];
      for (const [kind, name] of refs) {
        const target = deploymentFor(policy, kind, name)?.environment;
        const admitted = environmentsAdmitting(policy, kind, name);
        if (target) expect([name, admitted]).toEqual([name, expect.arrayContaining([target])]);
        // Where the fence is exact, it admits nothing the regex would not, but the rollback branch.
        for (const env of admitted) {
          const d = policy.deployments.find((x) => x.environment === env)!;
          const rollback = kind === "branch" && name === d.rollbackBranch;
          if (d.trigger.patternsExact && !rollback) expect([name, env]).toEqual([name, target]);
        }
      }
    },
  );

  it("trunk: main → integration, rc tags → staging, release tags → production (fence and guard)", () => {
    const policy = releasePolicy(referenceTeam());
    expect(deploymentPolicies(policy.deployments[0])).toEqual([
      { key: "branch-main", branchPattern: "main" },
    ]);
    // Integration's trigger; staging and production admit it for rollback.yml only.
    expect(environmentsAdmitting(policy, "branch", "main")).toEqual(["integration", "staging", "production"]);
    expect(environmentsAdmitting(policy, "branch", "feature/x")).toEqual([]);
    expect(environmentsAdmitting(policy, "tag", "v1.2.3-rc.1")).toContain("staging");
    expect(environmentsAdmitting(policy, "tag", "v1.2.3")).toEqual(["production"]);
    // The trap: fnmatch lets an rc tag through the production fence; only the exact guard stops it.
    expect(environmentsAdmitting(policy, "tag", "v1.2.3-rc.1")).toContain("production");
    expect(deploymentFor(policy, "tag", "v1.2.3-rc.1")?.environment).toBe("staging");
  });

  it.each(BRANCH_MODELS_UNDER_TEST)(
    "%s: no exactly-routed ref is fenced out of its environment (property)",
    (model) => {
      const policy = releasePolicy(teamFor(model));
      const part = fc.integer({ min: 0, max: 999 }).map(String);
      const tag = fc.oneof(
        fc.tuple(part, part, part).map(([a, b, c]) => `v${a}.${b}.${c}`),
        fc.tuple(part, part, part, part).map(([a, b, c, n]) => `v${a}.${b}.${c}-rc.${n}`),
        fc.string({ maxLength: 16 }),
      );
      fc.assert(
        fc.property(tag, (name) => {
          const target = deploymentFor(policy, "tag", name);
          return !target || environmentsAdmitting(policy, "tag", name).includes(target.environment);
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe("automation bypass", () => {
  it("lets only the GitHub App Pulumi runs as bypass protected-branch rulesets, nothing else", () => {
    const spec = referenceTeam();
    const policy = releasePolicy(spec);
    const withApp = repositoryRulesets(spec, policy, "checkout-maintainers", 42);
    const without = repositoryRulesets(spec, policy, "checkout-maintainers");
    for (const r of withApp.filter((x) => x.rules.pullRequest)) {
      expect(r.bypassActors).toEqual([{ actorType: "Integration", actorId: 42, bypassMode: "always" }]);
    }
    for (const r of without.filter((x) => x.rules.pullRequest)) expect(r.bypassActors).toEqual([]);
    // Tag and naming rulesets are untouched by the automation app.
    const others = (rs: typeof withApp) => rs.filter((x) => !x.rules.pullRequest).map((x) => x.bypassActors);
    expect(others(withApp)).toEqual(others(without));
  });
});

describe("OpenSSF Scorecard Branch-Protection, top tier", () => {
  it("holds for every protected branch of the reference team", () => {
    const { policy, rulesets } = rulesFor(referenceTeam());
    for (const branch of policy.protectedBranches) {
      const rs = applying(rulesets, "branch", branch.name);
      const protecting = rs.find((r) => r.rules.pullRequest)!;
      // Tier 1: no force push, no deletion.
      expect(rs.some((r) => r.rules.nonFastForward)).toBe(true);
      expect(rs.some((r) => r.rules.deletion)).toBe(true);
      // Tier 2/3: reviews required, status checks required and up to date.
      expect(protecting.rules.requiredStatusChecks!.requiredChecks.length).toBeGreaterThan(0);
      expect(protecting.rules.requiredStatusChecks!.strictRequiredStatusChecksPolicy).toBe(true);
      // Tier 4: two reviewers, code owners.
      expect(protecting.rules.pullRequest!.requiredApprovingReviewCount).toBeGreaterThanOrEqual(2);
      expect(protecting.rules.pullRequest!.requireCodeOwnerReview).toBe(true);
      // Tier 5: stale reviews dismissed, admins not exempt (nobody bypasses).
      expect(protecting.rules.pullRequest!.dismissStaleReviewsOnPush).toBe(true);
      for (const r of rs) expect(r.bypassActors).toEqual([]);
    }
  });

  it("a spec asking one approval everywhere yields one (the rules never invent a number)", () => {
    const spec = teamFor("trunk");
    const { rulesets } = rulesFor(spec);
    expect(
      rulesets.find((r) => r.key === "branch-main")!.rules.pullRequest!.requiredApprovingReviewCount,
    ).toBe(1);
  });
});

describe("rollback from the default branch", () => {
  it.each(BRANCH_MODELS_UNDER_TEST)(
    "%s: every environment admits the default branch, and nothing on it deploys but its own trigger",
    (model) => {
      const spec = teamFor(model);
      const policy = releasePolicy(spec);
      const files = serviceWorkflows(spec, spec.services[0], policy);
      for (const d of policy.deployments) {
        expect(d.rollbackBranch).toBe(policy.defaultBranch);
        // GitHub runs a job naming the environment only from a ref its policies admit.
        expect(environmentsAdmitting(policy, "branch", policy.defaultBranch)).toContain(d.environment);
        expect(deploymentRefs(d)).toContain(`refs/heads/${policy.defaultBranch}`);
        // The deploy workflow has no dispatch: it runs on a push of its own refs, where the guard
        // checks the exact rule; only rollback.yml can be dispatched from the default branch.
        const deploy = files.get(deployWorkflowPath(d.environment))!;
        expect(Object.keys(deploy.on)).toEqual(["push"]);
      }
      const dispatchable = [...files].filter(([, wf]) => "workflow_dispatch" in wf.on).map(([p]) => p);
      expect(dispatchable).toEqual([ROLLBACK_WORKFLOW]);
    },
  );
});

describe("branch-name regex", () => {
  it.each(BRANCH_MODELS_UNDER_TEST)("%s: admits exactly the allowed names", (model) => {
    const policy = releasePolicy(teamFor(model));
    const re = new RegExp(allowedBranchRegex(policy));
    for (const b of policy.protectedBranches) expect(re.test(b.name)).toBe(true);
    expect(re.test("feature/login")).toBe(true);
    expect(re.test("hotfix/a/b")).toBe(true);
    expect(re.test("feature/a b")).toBe(false);
    expect(re.test("feature/")).toBe(false);
    expect(re.test("develop")).toBe(false);
    expect(re.test("xfeature/a")).toBe(false);
  });

  // The pipeline commits a Dependabot config; Dependabot's branches go through the rulesets too.
  it.each(BRANCH_MODELS_UNDER_TEST)("%s: Dependabot may create its pull-request branches", (model) => {
    const spec = teamFor(model);
    const policy = releasePolicy(spec);
    const re = new RegExp(allowedBranchRegex(policy));
    const names = [
      "dependabot/github_actions/actions/checkout-4.2.2",
      "dependabot/npm_and_yarn/npm-6f1e4b2c9d",
      `dependabot/pre_commit/${policy.protectedBranches[0].name}/pre-commit-ec0e2e6f1a`,
      "dependabot/docker/node-22.11.0-alpine",
    ];
    for (const plan of ["team", "enterprise"] as const) {
      const rulesets = repositoryRulesets(
        { ...spec, github: { ...spec.github, plan } },
        policy,
        "maintainers",
      );
      for (const name of names) {
        expect({ plan, name, fence: anyoneMayCreate(rulesets, "branch", name) }).toEqual({
          plan,
          name,
          fence: true,
        });
        expect(re.test(name)).toBe(true);
      }
      // Not a way around the fence: other names under the prefix still need the exact form.
      expect(re.test("dependabot/a b")).toBe(false);
      expect(re.test("dependabot/")).toBe(false);
      expect(anyoneMayCreate(rulesets, "branch", "dependabot")).toBe(false);
    }
  });
});

describe("repository settings", () => {
  it("trunk squashes only; the staging-branch model also merges; nothing rebases", () => {
    const trunk = repositorySettings(referenceTeam().services[0], releasePolicy(referenceTeam()));
    expect([trunk.allowSquashMerge, trunk.allowMergeCommit, trunk.allowRebaseMerge]).toEqual([
      true,
      false,
      false,
    ]);
    const spec = teamFor("staging-branch");
    const sb = repositorySettings(spec.services[0], releasePolicy(spec));
    expect([sb.allowSquashMerge, sb.allowMergeCommit, sb.allowRebaseMerge]).toEqual([true, true, false]);
  });

  it("is private, archived on destroy, alerts on, named after the service", () => {
    const spec = referenceTeam();
    const s = repositorySettings(spec.services[1], releasePolicy(spec));
    expect(s).toMatchObject({
      name: "payments-worker",
      visibility: "private",
      archiveOnDestroy: true,
      vulnerabilityAlerts: true,
      deleteBranchOnMerge: true,
      autoInit: true,
    });
  });

  it.each([
    ["trunk", []],
    ["staging-branch", ["staging"]],
    ["pre-production", ["pre-production"]],
  ] as const)("%s: long-lived branches created from the default are %j", (model, expected) => {
    expect(longLivedBranches(releasePolicy(teamFor(model)))).toEqual(expected);
  });
});

describe("CODEOWNERS", () => {
  it("maintainers own everything, service owners their service, maintainers alone .github/", () => {
    const spec = referenceTeam();
    expect(codeownersFile(spec, spec.services[1])).toBe(
      [
        "# Generated by delivery-workflow from the team spec (people.maintainers, services[].owners).",
        "# Edit the spec, not this file: the shared stack overwrites it.",
        "* @alice-lead @bob-ops @carol-payments",
        "/.github/ @alice-lead @bob-ops",
        "",
      ].join("\n"),
    );
    expect(codeownersRules(spec, spec.services[0])[0].owners).toEqual(["alice-lead", "bob-ops"]);
  });

  it("names teams as @org/slug", () => {
    const spec = teamFor("trunk", { people: { maintainers: ["acme/leads"] } });
    expect(codeownersFile(spec, spec.services[0])).toContain("* @acme/leads\n");
  });
});

describe("environments", () => {
  it("production: maintainers review, no self-review, the spec's wait, custom policies only", () => {
    const policy = releasePolicy(referenceTeam());
    expect(environmentSettings(policy.deployments[2])).toEqual({
      environment: "production",
      waitTimer: 5,
      preventSelfReview: true,
      canAdminsBypass: false,
      reviewers: { users: ["alice-lead", "bob-ops"], teams: [] },
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    expect(environmentSettings(policy.deployments[0]).reviewers).toEqual({ users: [], teams: [] });
    expect(deploymentPolicies(policy.deployments[2])).toEqual([
      { key: "tag-v-0-9-x-0-9-x-0-9-x", tagPattern: "v[0-9]*.[0-9]*.[0-9]*" },
      // rollback.yml is dispatched from the default branch.
      { key: "branch-main", branchPattern: "main" },
    ]);
  });

  it("splits team reviewers and refuses more than GitHub's six", () => {
    const spec = teamFor("trunk", {
      environments: [
        { name: "integration", role: "integration" },
        { name: "staging", role: "staging" },
        { name: "production", role: "production", requiredReviewers: ["acme/leads", "alice"] },
      ],
    });
    expect(environmentSettings(releasePolicy(spec).deployments[2]).reviewers).toEqual({
      users: ["alice"],
      teams: ["leads"],
    });
    // Validation refuses a seventh reviewer with its key path; the builder still guards the
    // limit for a policy built some other way.
    const reference = releasePolicy(spec);
    const many = {
      ...reference,
      deployments: reference.deployments.map((d) =>
        d.role === "production" ? { ...d, reviewers: ["a1", "a2", "a3", "a4", "a5", "a6", "a7"] } : d,
      ),
    };
    expect(() => environmentSettings(many.deployments[2])).toThrow(/at most 6/);
  });
});

describe("team membership", () => {
  it("maintainers maintain, reviewers and owners are members, teams are not members", () => {
    const m = teamMembers(referenceTeam());
    expect(m.team).toEqual([
      { username: "alice-lead", role: "maintainer" },
      { username: "bob-ops", role: "maintainer" },
      { username: "carol-payments", role: "member" },
    ]);
    expect(m.maintainers.map((x) => x.username)).toEqual(["alice-lead", "bob-ops"]);
  });
});

describe("who may do what, judged with GitHub's ruleset semantics", () => {
  const APP = 4242;
  it.each(BRANCH_MODELS_UNDER_TEST)("%s", (model) => {
    const spec = teamFor(model, { people: { maintainers: ["alice", "acme/leads"] } });
    const policy = releasePolicy(spec);
    const rulesets = repositoryRulesets(spec, policy, maintainersTeamName(spec), APP);
    const settings = repositorySettings(spec.services[0], policy);
    const writer: Actor = { kind: "user", login: "dev", teams: [spec.name] };
    const maintainer: Actor = { kind: "user", login: "alice", teams: [spec.name, maintainersTeamName(spec)] };
    const lead: Actor = { kind: "user", login: "lee", teams: ["leads"] };
    const automation: Actor = { kind: "app", name: "delivery-workflow", appId: APP };
    const actions: Actor = { kind: "app", name: "GitHub Actions", appId: GITHUB_ACTIONS_APP_ID };
    const push = { exists: true, fastForward: true, pushesMergeCommit: false } as const;

    for (const b of policy.protectedBranches) {
      // Nobody but the automation app commits straight to a protected branch.
      for (const who of [writer, maintainer, actions]) {
        expect(judgePush(rulesets, who, { ...push, kind: "branch", name: b.name }).allowed).toBe(false);
      }
      expect(judgePush(rulesets, automation, { ...push, kind: "branch", name: b.name }).allowed).toBe(true);
      // A PR merges with the policy's methods only, from the allowed source, with its approvals.
      const source = b.promotionTarget ? b.pullRequestsFrom[0].patterns[0] : "feature/x";
      const pr = {
        base: b.name,
        head: source,
        headContainsBase: false,
        passedChecks: [...b.requiredChecks],
        approvals: b.requiredApprovals,
      };
      for (const method of ["squash", "merge", "rebase"] as const) {
        const verdict = judgeMerge(rulesets, settings, writer, { ...pr, method });
        // Promotion targets accept a PR that is behind; work-branch targets ask for "Update branch".
        expect([b.name, method, verdict.allowed]).toEqual([
          b.name,
          method,
          b.mergeMethods.includes(method) && b.promotionTarget,
        ]);
      }
      const behind = judgeMerge(rulesets, settings, writer, { ...pr, method: b.mergeMethods[0] });
      if (!b.promotionTarget) expect(behind.reasons.join()).toMatch(/not up to date/);
      const upToDate = judgeMerge(rulesets, settings, writer, {
        ...pr,
        method: b.mergeMethods[0],
        headContainsBase: true,
      });
      expect(upToDate.allowed).toBe(true);
      const unapproved = judgeMerge(rulesets, settings, writer, {
        ...pr,
        method: b.mergeMethods[0],
        headContainsBase: true,
        approvals: b.requiredApprovals - 1,
      });
      expect(unapproved.allowed).toBe(false);
    }

    // Release tags: the maintainers' team and the spec's teams create them; no one else, no app.
    for (const tag of policy.releaseTags.map((t) => (t === RC_TAG ? "v1.2.3-rc.1" : "v1.2.3"))) {
      const create = {
        kind: "tag",
        name: tag,
        exists: false,
        fastForward: true,
        pushesMergeCommit: false,
      } as const;
      expect(judgePush(rulesets, maintainer, create).allowed).toBe(true);
      expect(judgePush(rulesets, lead, create).allowed).toBe(true);
      for (const who of [writer, actions, automation])
        expect(judgePush(rulesets, who, create).allowed).toBe(false);
      // Nobody moves or deletes one.
      for (const who of [maintainer, automation]) {
        expect(judgePush(rulesets, who, { ...create, exists: true }).allowed).toBe(false);
        expect(judgePush(rulesets, who, { ...create, exists: true, deleted: true }).allowed).toBe(false);
      }
    }
    // Tags deploy only from the branch the policy names.
    for (const d of policy.deployments) {
      expect([d.environment, d.requiredAncestorBranch]).toEqual([
        d.environment,
        d.trigger.kind === "tag" ? d.sourceBranch : undefined,
      ]);
    }
  });
});
