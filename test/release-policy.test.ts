import fc from "fast-check";
import {
  allowedBranches,
  buildSubjects,
  deploySubjects,
  deploymentFor,
  fnmatch,
  pipelineBranches,
  refPatterns,
  releasePolicy,
  RC_TAG,
  RELEASE_TAG,
  STATUS_CHECKS,
  type RefKind,
  type ReleasePolicy,
} from "../components/release";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";

/** What GitHub would let through to an environment: its deployment policy (fnmatch) AND the
 * workflow's exact guard (regex). This is the only way a job gets the environment's OIDC subject. */
function reachesEnvironment(
  policy: ReleasePolicy,
  environment: string,
  kind: RefKind,
  name: string,
): boolean {
  const d = policy.deployments.find((x) => x.environment === environment)!;
  const fenceAdmits = d.trigger.kind === kind && d.trigger.patterns.some((p) => fnmatch(p, name));
  const guardAdmits = new RegExp(d.trigger.regex).test(name);
  return fenceAdmits && guardAdmits;
}

const versionPart = fc.integer({ min: 0, max: 999_999_999 }).map(String);
const version = fc.tuple(versionPart, versionPart, versionPart).map(([a, b, c]) => `${a}.${b}.${c}`);
const releaseTag = version.map((v) => `v${v}`);
const rcTag = fc.tuple(version, fc.integer({ min: 0, max: 99 })).map(([v, n]) => `v${v}-rc.${n}`);
/** Names that look like tags but are not quite: the strings a regex must refuse. */
const nearMissTag = fc.oneof(
  fc
    .tuple(version, fc.constantFrom("-beta", "x", ".0", "-rc", "-rc.", "-rc.a", " ", "\n"))
    .map(([v, s]) => `v${v}${s}`),
  fc
    .tuple(fc.constantFrom("v", "V", "vv", "v-", "release-"), fc.string({ maxLength: 12 }))
    .map(([p, s]) => p + s),
  version.map((v) => `v${v.replace(/[0-9]/, "\u0661")}`), // an Arabic-Indic digit: not [0-9]
  version.map((v) => `v0${v}`), // a leading zero: semver refuses it, the fnmatch fence does not
  fc.tuple(version, fc.integer({ min: 0, max: 99 })).map(([v, n]) => `v${v}-rc.0${n}`),
  fc.integer({ min: 1_000_000_000, max: Number.MAX_SAFE_INTEGER }).map((n) => `v${n}.0.0`), // too long
  fc.string({ maxLength: 20 }),
);
const anyTagName = fc.oneof(releaseTag, rcTag, nearMissTag);
const branchName = fc.oneof(
  fc.constantFrom("main", "master", "staging", "pre-production", "develop", "main2", "feature/x", "hotfix/y"),
  fc.string({ maxLength: 20 }),
);

describe("release policy", () => {
  it("says the trunk story of the reference team", () => {
    const policy = releasePolicy(referenceTeam());
    expect(policy.defaultBranch).toBe("main");
    expect(policy.protectedBranches.map((b) => b.name)).toEqual(["main"]);
    expect(policy.deployments.map((d) => [d.environment, d.trigger.label, d.artifact])).toEqual([
      ["integration", "branch main", "build"],
      ["staging", RC_TAG.label, "promote-commit"],
      ["production", RELEASE_TAG.label, "promote-latest-rc"],
    ]);
    const n = "(0|[1-9][0-9]{0,8})";
    expect(RC_TAG.regex).toBe(`^v${n}\\.${n}\\.${n}-rc\\.${n}$`);
    expect(RELEASE_TAG.regex).toBe(`^v${n}\\.${n}\\.${n}$`);
    // Production asks for two approvals, and main feeds production through its tags.
    expect(policy.protectedBranches[0].requiredApprovals).toBe(2);
    expect(policy.protectedBranches[0].linearHistory).toBe(true);
    expect(policy.deployments[2].reviewers).toEqual(["alice-lead", "bob-ops"]);
    expect(policy.deployments[2].preventSelfReview).toBe(true);
    expect(policy.releaseTagRegex).toBe(`^(v${n}\\.${n}\\.${n}-rc\\.${n}|v${n}\\.${n}\\.${n})$`);
    // Both tags must be on main: the deploy guard checks the tagged commit's ancestry.
    expect(policy.deployments.map((d) => d.requiredAncestorBranch)).toEqual([undefined, "main", "main"]);
  });

  it("says the staging-branch story: staging builds, main only from staging, main deploys production", () => {
    const policy = releasePolicy(teamFor("staging-branch"));
    const [staging, main] = policy.protectedBranches;
    expect([staging.name, main.name]).toEqual(["staging", "main"]);
    expect(staging.pullRequestsFrom.map((m) => m.label)).toEqual([
      "feature branch feature/*",
      "hotfix branch hotfix/*",
      "Dependabot branch dependabot/*",
    ]);
    expect(main.pullRequestsFrom.map((m) => m.patterns)).toEqual([["staging"]]);
    expect(main.sourceEnforcedByCheck).toBe(true);
    expect(main.requiredChecks).toContain(STATUS_CHECKS.prSource);
    expect(staging.requiredChecks).not.toContain(STATUS_CHECKS.prSource);
    expect(main.linearHistory).toBe(false); // merge commits keep the staging head as second parent
    expect(deploymentFor(policy, "branch", "staging")?.environment).toBe("staging");
    expect(deploymentFor(policy, "branch", "main")?.artifact).toBe("promote-merge-parent");
    expect(policy.buildBranches.map((b) => b.patterns[0])).toEqual(["staging"]);
    // Work merges into staging (up to date required); main only receives promotions (not).
    expect([staging.promotionTarget, staging.requireUpToDate]).toEqual([false, true]);
    expect([main.promotionTarget, main.requireUpToDate]).toEqual([true, false]);
    expect(pipelineBranches(policy)).toEqual(["main", "staging"]);
  });

  it("says the pre-production story: master → integration, pre-production branch, tag → production", () => {
    const policy = releasePolicy(teamFor("pre-production"));
    expect(policy.defaultBranch).toBe("master");
    expect(policy.protectedBranches.map((b) => b.name)).toEqual(["master", "pre-production"]);
    expect(deploymentFor(policy, "branch", "master")?.environment).toBe("integration");
    expect(deploymentFor(policy, "branch", "pre-production")?.environment).toBe("pre-production");
    const prod = deploymentFor(policy, "tag", "v1.2.3");
    expect(prod?.environment).toBe("production");
    expect(prod?.sourceBranch).toBe("pre-production");
    // A vX.Y.Z tag deploys only a commit that went through pre-production.
    expect(prod?.requiredAncestorBranch).toBe("pre-production");
    expect(deploymentFor(policy, "tag", "v1.2.3-rc.1")).toBeUndefined();
    const [master, preProduction] = policy.protectedBranches;
    expect([master.requireUpToDate, preProduction.requireUpToDate]).toEqual([true, false]);
    expect(pipelineBranches(policy)).toEqual(["master", "pre-production"]);
  });

  it("release numbers are semver's: no leading zero, and at most 9 digits (bash arithmetic compares them)", () => {
    const ok = ["v0.0.0", "v1.2.3", "v10.20.30", "v999999999.0.1", "v1.2.3-rc.0", "v1.2.3-rc.10"];
    const bad = [
      "v01.2.3",
      "v1.02.3",
      "v1.2.03",
      "v1.2.3-rc.01",
      "v1.2.3-rc.00",
      "v1000000000.0.0",
      "v1.2.3-rc.1234567890",
    ];
    const exact = (name: string) => [RELEASE_TAG, RC_TAG].some((t) => new RegExp(t.regex).test(name));
    for (const name of ok) expect([name, exact(name)]).toEqual([name, true]);
    for (const name of bad) expect([name, exact(name)]).toEqual([name, false]);
    fc.assert(
      fc.property(fc.tuple(versionPart, versionPart, versionPart), fc.nat({ max: 3 }), (parts, i) => {
        const zeroPadded = parts.map((p, j) => (j === i ? `0${p}` : p));
        expect(new RegExp(RELEASE_TAG.regex).test(`v${zeroPadded.join(".")}`)).toBe(i > 2);
      }),
    );
    // Every accepted number is below 2^31: `(( a < b ))` in bash and Number in JS compare exactly.
    expect(Number("999999999")).toBeLessThan(2 ** 31);
  });

  it("never builds on a pull request and trusts exactly one environment per deploy role", () => {
    for (const model of BRANCH_MODELS_UNDER_TEST) {
      const policy = releasePolicy(teamFor(model));
      const repos = [{ owner: "acme", name: "api" }];
      for (const s of buildSubjects(policy, repos)) {
        expect(s).toMatch(/^repo:acme\/api:ref:refs\/heads\/[a-z-]+$/);
      }
      for (const d of policy.deployments) {
        expect(deploySubjects(policy, d.environment, repos)).toEqual([
          `repo:acme/api:environment:${d.environment}`,
        ]);
      }
    }
  });

  it("gives ruleset conditions as full refs", () => {
    expect(refPatterns(RELEASE_TAG)).toEqual(["refs/tags/v[0-9]*.[0-9]*.[0-9]*"]);
    const policy = releasePolicy(teamFor("trunk"));
    expect(allowedBranches(policy).flatMap(refPatterns)).toEqual([
      "refs/heads/main",
      "refs/heads/feature/*",
      "refs/heads/feature/**/*",
      "refs/heads/hotfix/*",
      "refs/heads/hotfix/**/*",
      "refs/heads/dependabot/*",
      "refs/heads/dependabot/**/*",
    ]);
  });

  describe.each(BRANCH_MODELS_UNDER_TEST)("properties under %s", (model) => {
    const policy = releasePolicy(teamFor(model));

    it("the exact regex alone decides which environment a tag or branch deploys to", () => {
      fc.assert(
        fc.property(
          fc.constantFrom<RefKind>("branch", "tag"),
          fc.oneof(anyTagName, branchName),
          (kind, name) => {
            const byRegex = policy.deployments.filter(
              (d) => d.trigger.kind === kind && new RegExp(d.trigger.regex).test(name),
            );
            expect(byRegex.length).toBeLessThanOrEqual(1); // never ambiguous
            const reached = policy.deployments.filter((d) =>
              reachesEnvironment(policy, d.environment, kind, name),
            );
            expect(reached.map((d) => d.environment)).toEqual(byRegex.map((d) => d.environment));
          },
        ),
        { numRuns: 2000 },
      );
    });

    it("no name the production regex rejects reaches the production subject through any rule", () => {
      const prod = policy.deployments.find((d) => d.role === "production")!;
      const prodRegex = new RegExp(prod.trigger.regex);
      fc.assert(
        fc.property(
          fc.constantFrom<RefKind>("branch", "tag"),
          fc.oneof(anyTagName, branchName),
          (kind, name) => {
            if (!prodRegex.test(name) || prod.trigger.kind !== kind) {
              expect(reachesEnvironment(policy, prod.environment, kind, name)).toBe(false);
            }
          },
        ),
        { numRuns: 3000 },
      );
    });

    it("every real release name passes both the fence and the guard of its environment", () => {
      const tagged = policy.deployments.filter((d) => d.trigger.kind === "tag");
      fc.assert(
        fc.property(fc.oneof(releaseTag, rcTag), (name) => {
          const d = deploymentFor(policy, "tag", name);
          if (d) expect(reachesEnvironment(policy, d.environment, "tag", name)).toBe(true);
          else expect(tagged.every((t) => !new RegExp(t.trigger.regex).test(name))).toBe(true);
        }),
      );
    });

    it("fnmatch fences are coarse where they say so, and exact where they claim to be", () => {
      for (const d of policy.deployments) {
        if (d.trigger.patternsExact) {
          fc.assert(
            fc.property(branchName, (name) => {
              const fence = d.trigger.patterns.some((p) => fnmatch(p, name));
              expect(fence).toBe(new RegExp(d.trigger.regex).test(name));
            }),
          );
        }
      }
      // The documented trap: `v*`-style fences also admit rc tags, so the guard is needed.
      if (policy.deployments.some((d) => d.trigger === RELEASE_TAG)) {
        expect(RELEASE_TAG.patterns.some((p) => fnmatch(p, "v1.2.3-rc.1"))).toBe(true);
        expect(new RegExp(RELEASE_TAG.regex).test("v1.2.3-rc.1")).toBe(false);
      }
    });

    it("work branches may be created and only the model's long-lived branches are protected", () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/), (leaf) => {
          const allowed = allowedBranches(policy);
          for (const prefix of ["feature", "hotfix"]) {
            const name = `${prefix}/${leaf}`;
            expect(allowed.some((m) => m.patterns.some((p) => fnmatch(p, name)))).toBe(true);
          }
          expect(allowed.some((m) => m.patterns.some((p) => fnmatch(p, `experiment/${leaf}`)))).toBe(false);
        }),
      );
    });
  });
});

describe("GitHub fnmatch", () => {
  it.each([
    ["main", "main", true],
    ["main", "main2", false],
    ["feature/*", "feature/a", true],
    ["feature/*", "feature/a/b", false],
    ["feature/**/*", "feature/a/b", true],
    ["v[0-9]*.[0-9]*.[0-9]*", "v1.2.3", true],
    ["v[0-9]*.[0-9]*.[0-9]*", "v1.2.3-rc.1", true],
    ["v[0-9]*.[0-9]*.[0-9]*", "va.2.3", false],
    ["v[0-9]*.[0-9]*.[0-9]*-rc.[0-9]*", "v1.2.3", false],
    ["release?", "release1", true],
    ["release?", "release/", false],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    expect(fnmatch(pattern, name)).toBe(expected);
  });
});
