/**
 * Repository rulesets derived from the release policy: plain data in the shape of
 * `github.RepositoryRulesetArgs` (minus the repository), so they are tested without Pulumi and
 * the component only wires them in. No pattern, regex or check name is written here: each comes
 * from the release policy or its contract.
 *
 * What each GitHub plan can enforce (see README.md):
 *  - rulesets on private repositories: pro, team, enterprise (free: public repositories only);
 *  - `branchNamePattern` / `tagNamePattern` (metadata restrictions, RE2): enterprise only. On other
 *    plans the exact branch-name rule is advisory: the fnmatch `creation` fence still applies, and
 *    the workflow's exact regex guard decides every deployment.
 */
import type { GithubPlan, TeamSpec } from "../team";
import {
  allowedBranches,
  GITHUB_ACTIONS_APP_ID,
  refPatterns,
  type MergeMethod,
  type ProtectedBranch,
  type ReleasePolicy,
} from "../release";
import { isTeam, teamSlug } from "./principals";

/**
 * Who may bypass a ruleset, before ids are known: a team by slug (resolved to its numeric id by
 * the component) or an integration by app id. Maintainers bypass through their team: it works on
 * every plan and holds exactly the spec's logins (user bypass actors are recent on GitHub and the
 * team already exists for review and access).
 */
export type BypassActorSpec =
  | { readonly actorType: "Team"; readonly teamSlug: string; readonly bypassMode: "always" }
  | { readonly actorType: "Integration"; readonly actorId: number; readonly bypassMode: "always" };

export interface RequiredCheckSpec {
  readonly context: string;
  readonly integrationId: number;
}

export interface NamePatternSpec {
  readonly name: string;
  readonly operator: "regex";
  readonly pattern: string;
  readonly negate: false;
}

export interface RulesSpec {
  readonly creation?: boolean;
  readonly update?: boolean;
  readonly deletion?: boolean;
  readonly nonFastForward?: boolean;
  readonly requiredLinearHistory?: boolean;
  readonly pullRequest?: {
    readonly requiredApprovingReviewCount: number;
    readonly requireCodeOwnerReview: boolean;
    readonly dismissStaleReviewsOnPush: boolean;
    readonly requireLastPushApproval: boolean;
    readonly requiredReviewThreadResolution: boolean;
    readonly allowedMergeMethods: readonly MergeMethod[];
  };
  readonly requiredStatusChecks?: {
    readonly requiredChecks: readonly RequiredCheckSpec[];
    readonly strictRequiredStatusChecksPolicy: boolean;
    readonly doNotEnforceOnCreate: boolean;
  };
  readonly branchNamePattern?: NamePatternSpec;
  readonly tagNamePattern?: NamePatternSpec;
}

export interface RulesetSpec {
  /** Stable key: the child resource is named after it. */
  readonly key: string;
  /** The ruleset's name on GitHub. */
  readonly name: string;
  readonly target: "branch" | "tag";
  readonly enforcement: "active";
  readonly conditions: {
    readonly refName: { readonly includes: readonly string[]; readonly excludes: readonly string[] };
  };
  readonly rules: RulesSpec;
  readonly bypassActors: readonly BypassActorSpec[];
}

/** Whether the plan offers ruleset metadata restrictions (RE2 rules on branch and tag names). */
export function supportsNameRestrictions(plan: GithubPlan): boolean {
  return plan === "enterprise";
}

/**
 * One ruleset per protected branch: pull request with the policy's approvals, code-owner review,
 * stale reviews dismissed, last push approved by someone else, conversations resolved; the
 * policy's required checks from GitHub Actions only; up to date with the base where the policy
 * asks for it (work-branch targets, not promotion targets: see `ProtectedBranch.requireUpToDate`);
 * linear history where the branch squashes; no force push; no deletion; no person bypasses
 * (admins included).
 */
export function protectedBranchRuleset(branch: ProtectedBranch, automationAppId?: number): RulesetSpec {
  return {
    key: `branch-${branch.name}`,
    name: `protect ${branch.name}`,
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: refPatterns(branch.matcher), excludes: [] } },
    rules: {
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
      requiredStatusChecks: {
        requiredChecks: branch.requiredChecks.map((context) => ({
          context,
          integrationId: GITHUB_ACTIONS_APP_ID,
        })),
        // GitHub: "Require branches to be up to date before merging" — the head must contain the
        // base's tip. A promotion target must not ask it, or its second promotion deadlocks.
        strictRequiredStatusChecksPolicy: branch.requireUpToDate,
        // Lets the shared stack create the long-lived branch from the default one; every later
        // update of it still needs the checks.
        doNotEnforceOnCreate: true,
      },
    },
    // The GitHub App Pulumi runs as commits the files it manages (CODEOWNERS, workflows) straight
    // to the branch. It can already edit or delete this ruleset, so bypassing it grants nothing
    // new; people and admins never bypass.
    bypassActors:
      automationAppId === undefined
        ? []
        : [{ actorType: "Integration", actorId: automationAppId, bypassMode: "always" }],
  };
}

/** The exact rule for every branch name people may create: one RE2 alternation. */
export function allowedBranchRegex(policy: ReleasePolicy): string {
  const bodies = allowedBranches(policy).map((m) => m.regex.replace(/^\^/, "").replace(/\$$/, ""));
  return `^(${bodies.join("|")})$`;
}

/**
 * Branch naming. On every plan: creating a branch outside the allowed fnmatch patterns is refused
 * (`creation` on all branches but the allowed ones). On enterprise, a second ruleset checks every
 * branch name against the exact regex: it cannot live in the first one, whose conditions exclude
 * precisely the names the regex must look at (`feature/*` also admits `feature/a b`).
 */
export function branchNamingRulesets(policy: ReleasePolicy, plan: GithubPlan): RulesetSpec[] {
  const fence: RulesetSpec = {
    key: "branch-names",
    name: "branch names",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: ["~ALL"], excludes: allowedBranches(policy).flatMap(refPatterns) } },
    rules: { creation: true },
    bypassActors: [],
  };
  if (!supportsNameRestrictions(plan)) return [fence];
  const exact: RulesetSpec = {
    key: "branch-name-format",
    name: "branch name format",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { includes: ["~ALL"], excludes: [] } },
    rules: {
      branchNamePattern: {
        name: "allowed branch names",
        operator: "regex",
        pattern: allowedBranchRegex(policy),
        negate: false,
      },
    },
    bypassActors: [],
  };
  return [fence, exact];
}

export interface ReleaseTagActors {
  /** Slug of the team whose members may create release tags (the maintainers' team). */
  readonly maintainersTeam: string;
  /** Maintainers written as `org/team` in the spec: they bypass through their own team. */
  readonly maintainerTeams?: readonly string[];
  /** `spec.release.tagCreators`: further teams allowed to create release tags. */
  readonly tagCreators?: readonly string[];
}

/**
 * Release tags. `release-tags`: a release is immutable; nobody updates or deletes a release or
 * rc tag, and on enterprise no tag that looks like one (fnmatch) may exist unless the exact regex
 * admits it. No bypass. `release-tag-creation`: only the maintainers' team (created and filled
 * by this program from `people.maintainers`, so it holds exactly the named people), maintainer
 * teams the spec names and `release.tagCreators` create them.
 *
 * Nothing automated is a bypass actor: no workflow creates a tag, and GitHub refuses the GitHub
 * Actions app (15368) as a repository ruleset's bypass actor with 422 "Actor GitHub Actions
 * integration must be part of the ruleset source or owner organization". Had it been accepted,
 * any workflow's `GITHUB_TOKEN` (a writer's branch included) could mint `v*` tags. Teams, not
 * users: a team works on every plan and its membership is the spec's (authoritative
 * `TeamMembers`); GitHub does not accept secret teams as bypass actors, so the team is `closed`.
 */
export function releaseTagRulesets(
  policy: ReleasePolicy,
  plan: GithubPlan,
  actors: ReleaseTagActors,
): RulesetSpec[] {
  const includes = policy.releaseTags.flatMap(refPatterns);
  const teams = unique([
    actors.maintainersTeam,
    ...(actors.maintainerTeams ?? []).filter(isTeam).map(teamSlug),
    ...(actors.tagCreators ?? []).map(teamSlug),
  ]);
  const immutable: RulesetSpec = {
    key: "release-tags",
    name: "release tags are immutable",
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes, excludes: [] } },
    rules: {
      update: true,
      deletion: true,
      nonFastForward: true,
      ...(supportsNameRestrictions(plan)
        ? {
            tagNamePattern: {
              name: "exact release tag",
              operator: "regex" as const,
              pattern: policy.releaseTagRegex,
              negate: false as const,
            },
          }
        : {}),
    },
    bypassActors: [],
  };
  const creation: RulesetSpec = {
    key: "release-tag-creation",
    name: "release tag creators",
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes, excludes: [] } },
    rules: { creation: true },
    bypassActors: teams.map((slug): BypassActorSpec => ({
      actorType: "Team",
      teamSlug: slug,
      bypassMode: "always",
    })),
  };
  return [immutable, creation];
}

/** Every ruleset a service repository gets, keys unique. */
export function repositoryRulesets(
  spec: TeamSpec,
  policy: ReleasePolicy,
  maintainersTeam: string,
  automationAppId?: number,
): RulesetSpec[] {
  const all = [
    ...policy.protectedBranches.map((b) => protectedBranchRuleset(b, automationAppId)),
    ...branchNamingRulesets(policy, spec.github.plan),
    ...releaseTagRulesets(policy, spec.github.plan, {
      maintainersTeam,
      maintainerTeams: spec.people.maintainers,
      tagCreators: spec.release.tagCreators,
    }),
  ];
  const keys = all.map((r) => r.key);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate) throw new Error(`two rulesets share the key "${duplicate}"`);
  return all;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
