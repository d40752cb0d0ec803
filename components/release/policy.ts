/**
 * The release policy: which branch or tag goes to which environment, derived from the team spec.
 *
 * Pure data. Rulesets, environment deployment policies, OIDC trust subjects, workflows, the
 * diagram and the policy pack all read it; none of them writes a branch or tag pattern itself.
 *
 * Every ref is described three ways that must agree:
 *  - `regex`: the exact rule on the short name (RE2-, ERE- and JS-compatible);
 *  - `patterns`: GitHub fnmatch patterns for rulesets and environment policies, which cannot say
 *    "digits only" — `patternsExact` says whether they accept exactly what the regex does;
 *  - OIDC subjects: what a job for that ref presents to AWS.
 * Where `patternsExact` is false the workflow guards with the regex before any deploy.
 */
import {
  MODEL_SHAPES,
  type BranchModel,
  type EnvironmentRole,
  type EnvironmentSpec,
  type TeamSpec,
} from "../team";
import { qualityChecks, STATUS_CHECKS, type StatusCheck } from "./contract";

export type RefKind = "branch" | "tag";

/** A set of branch or tag names. */
export interface RefMatcher {
  readonly kind: RefKind;
  /** GitHub fnmatch patterns on the short name (`main`, `v*`). */
  readonly patterns: readonly string[];
  /** Exact rule on the short name. */
  readonly regex: string;
  /** True when `patterns` accept exactly what `regex` accepts. */
  readonly patternsExact: boolean;
  /** For people: `release tag vX.Y.Z`. */
  readonly label: string;
}

export type MergeMethod = "squash" | "merge" | "rebase";

export interface ProtectedBranch {
  readonly name: string;
  readonly matcher: RefMatcher;
  /** Approvals a pull request needs: the most any environment this branch feeds asks for. */
  readonly requiredApprovals: number;
  readonly mergeMethods: readonly MergeMethod[];
  /** Squash-only branches keep a linear history. */
  readonly linearHistory: boolean;
  /** Job names that must pass, from {@link STATUS_CHECKS}. */
  readonly requiredChecks: readonly StatusCheck[];
  /** Branches a pull request into this one may come from. */
  readonly pullRequestsFrom: readonly RefMatcher[];
  /**
   * True when a pull request's head must contain this branch's tip before it merges (GitHub's
   * "require branches to be up to date", the ruleset's `strict_required_status_checks_policy`).
   *
   * Work-branch targets (squash) require it: "Update branch" merges the base into the work
   * branch, which nobody protects. Promotion targets (`main` fed by `staging`, `pre-production`
   * fed by `master`) must not: their own merge commit never reaches the source branch, whose
   * ruleset refuses direct pushes and merge commits, so the pull request could never become up
   * to date (already the first: the managed files are committed to each branch separately, so
   * the target holds commits its source never gets). It is not needed there either: a promotion target
   * only ever receives merge commits of its source, so each merge's result has exactly the
   * source head's tree — the tree the required checks ran on (proven by test/git-replay.test.ts).
   */
  readonly requireUpToDate: boolean;
  /**
   * True when this branch receives only promotions (merge commits of one long-lived source
   * branch); false when work branches merge into it.
   */
  readonly promotionTarget: boolean;
  /**
   * True when only some branches may open pull requests here: rulesets cannot restrict a pull
   * request's source, so the `pr-source` status check enforces it.
   */
  readonly sourceEnforcedByCheck: boolean;
}

/**
 * How the image a deployment runs comes to be:
 *  - `build`: built from the pushed commit and pushed as `sha-<commit>`;
 *  - `promote-commit`: the image built for the tagged commit, re-tagged with the tag name;
 *  - `promote-merge-parent`: the image of the merged branch's head (the merge commit's second
 *    parent), re-tagged `sha-<merge commit>`;
 *  - `promote-latest-rc`: the digest of the newest `vX.Y.Z-rc.N` of the tag's version (numeric
 *    order) that passed the earlier environment (its `passed-<environment>` marker: deploy, smoke
 *    and regression) and was built from the release tag's own commit, re-tagged `vX.Y.Z`; fails,
 *    naming each refused candidate's reason, if there is none.
 * Only `build` builds; every later stage runs the exact digest an earlier stage ran.
 */
export type ArtifactStrategy = "build" | "promote-commit" | "promote-merge-parent" | "promote-latest-rc";

export interface Deployment {
  /** Environment name from the spec (GitHub environment, stack, OIDC subject). */
  readonly environment: string;
  readonly role: EnvironmentRole;
  /** What starts the deployment. */
  readonly trigger: RefMatcher;
  /** The protected branch whose commits this deploys (directly or through a tag on it). */
  readonly sourceBranch: string;
  readonly artifact: ArtifactStrategy;
  /** Environment whose release this promotes, when it promotes one. */
  readonly promotesFrom?: string;
  /** Who must approve, from the spec (production defaults to the maintainers). */
  readonly reviewers: readonly string[];
  readonly waitTimerMinutes: number;
  /** Reviewers may not approve a deployment they triggered. */
  readonly preventSelfReview: boolean;
  /** A newer deployment waits instead of cancelling a running one. */
  readonly cancelInProgress: boolean;
  /**
   * For a tag trigger: the protected branch the tagged commit must be on (the deploy workflow's
   * guard checks `git merge-base --is-ancestor <tagged commit> origin/<branch>` before anything
   * deploys), so `vX.Y.Z` on a commit that never went through the earlier stage deploys nothing.
   * Undefined for branch triggers: a push to the branch is on it by definition.
   */
  readonly requiredAncestorBranch?: string;
  /**
   * The branch the rollback workflow is dispatched from: the default branch, for every
   * environment (it always runs the reviewed, current `rollback.yml`, never an old tag's copy).
   * The environment's deployment policy admits it beside the trigger's refs, or GitHub refuses
   * the rollback job. That opens no shortcut: the deploy workflows run only on `push` of their
   * own trigger refs (their guard checks the exact regex), the default branch takes only reviewed
   * pull requests, and `rollback.yml` runs only a digest the environment itself ran before
   * (`running-<environment>.` marker; production: `released-`), with the environment's reviewers.
   */
  readonly rollbackBranch: string;
}

export interface ReleasePolicy {
  readonly model: BranchModel;
  /** The repository's default branch. */
  readonly defaultBranch: string;
  readonly protectedBranches: readonly ProtectedBranch[];
  /** Short-lived branches people create (`feature/*`, `hotfix/*`). */
  readonly workBranches: readonly RefMatcher[];
  /** Every tag that marks a release; immutable once pushed. */
  readonly releaseTags: readonly RefMatcher[];
  /** The exact rule for any tag a release tag ruleset admits. */
  readonly releaseTagRegex: string;
  /** Branches whose pushes build an image. */
  readonly buildBranches: readonly RefMatcher[];
  /** One entry per environment in the spec, in promotion order. */
  readonly deployments: readonly Deployment[];
}

// ---------------------------------------------------------------------------------------------
// The refs every model is made of.

/**
 * A version number as semver writes it: no leading zero (`01` is refused, as SemVer 2.0.0 §2 and
 * §9 say), and at most 9 digits, so every number compares correctly with bash arithmetic
 * (64-bit signed) and fits a JavaScript integer exactly. The same text is an RE2, POSIX ERE (bash
 * `=~`) and JavaScript regex; its groups are never read by number.
 */
export const VERSION_NUMBER = "(0|[1-9][0-9]{0,8})";
const VERSION = `${VERSION_NUMBER}\\.${VERSION_NUMBER}\\.${VERSION_NUMBER}`;

export const RELEASE_TAG: RefMatcher = {
  kind: "tag",
  patterns: ["v[0-9]*.[0-9]*.[0-9]*"],
  regex: `^v${VERSION}$`,
  patternsExact: false,
  label: "release tag vX.Y.Z",
};

export const RC_TAG: RefMatcher = {
  kind: "tag",
  patterns: ["v[0-9]*.[0-9]*.[0-9]*-rc.[0-9]*"],
  regex: `^v${VERSION}-rc\\.${VERSION_NUMBER}$`,
  patternsExact: false,
  label: "release candidate tag vX.Y.Z-rc.N",
};

export const FEATURE_BRANCH = workBranch("feature");
export const HOTFIX_BRANCH = workBranch("hotfix");

/**
 * Dependabot's pull-request branches (the pipeline commits `.github/dependabot.yml`):
 * `dependabot/<ecosystem>/<dependency>-<version>`, with the target branch or group name as further
 * segments. Rulesets apply to Dependabot like to anyone, so the branch-name fence must admit them
 * or every update is refused. Dependabot keeps only `A-Za-z0-9/-_.(){}` in a branch name
 * (dependabot-core `pull_request_creator/branch_namer/base.rb`, `sanitize_ref`), hence the
 * character class; `/` is the default separator (`pull-request-branch-name.separator`).
 */
export const DEPENDABOT_BRANCH: RefMatcher = {
  kind: "branch",
  patterns: ["dependabot/*", "dependabot/**/*"],
  regex: "^dependabot/[A-Za-z0-9._(){}-]+(/[A-Za-z0-9._(){}-]+)*$",
  patternsExact: false,
  label: "Dependabot branch dependabot/*",
};

function workBranch(prefix: string): RefMatcher {
  return {
    kind: "branch",
    patterns: [`${prefix}/*`, `${prefix}/**/*`],
    regex: `^${prefix}/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`,
    // `feature/*` also admits names with characters the regex refuses (spaces, `..`).
    patternsExact: false,
    label: `${prefix} branch ${prefix}/*`,
  };
}

/** A single long-lived branch: pattern and regex say exactly the same thing. */
export function branch(name: string): RefMatcher {
  return {
    kind: "branch",
    patterns: [name],
    regex: `^${name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}$`,
    patternsExact: true,
    label: `branch ${name}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The presets.

interface Stage {
  readonly role: EnvironmentRole;
  readonly trigger: RefMatcher;
  readonly sourceBranch: string;
  readonly artifact: ArtifactStrategy;
}

interface BranchShape {
  readonly name: string;
  readonly mergeMethods: readonly MergeMethod[];
  /** Undefined: any work branch may open a pull request. */
  readonly onlyFrom?: string;
}

interface Preset {
  readonly defaultBranch: string;
  readonly branches: readonly BranchShape[];
  readonly releaseTags: readonly RefMatcher[];
  readonly buildBranches: readonly string[];
  readonly stages: readonly Stage[];
}

const PRESETS: Readonly<Record<BranchModel, Preset>> = {
  // main → integration; rc tag → staging; release tag → production.
  trunk: {
    defaultBranch: "main",
    branches: [{ name: "main", mergeMethods: ["squash"] }],
    releaseTags: [RC_TAG, RELEASE_TAG],
    buildBranches: ["main"],
    stages: [
      { role: "integration", trigger: branch("main"), sourceBranch: "main", artifact: "build" },
      { role: "staging", trigger: RC_TAG, sourceBranch: "main", artifact: "promote-commit" },
      { role: "production", trigger: RELEASE_TAG, sourceBranch: "main", artifact: "promote-latest-rc" },
    ],
  },
  // feature/hotfix → staging (squash) → main (merge commit, only from staging).
  "staging-branch": {
    defaultBranch: "main",
    branches: [
      { name: "staging", mergeMethods: ["squash"] },
      { name: "main", mergeMethods: ["merge"], onlyFrom: "staging" },
    ],
    releaseTags: [RELEASE_TAG],
    buildBranches: ["staging"],
    stages: [
      { role: "staging", trigger: branch("staging"), sourceBranch: "staging", artifact: "build" },
      { role: "production", trigger: branch("main"), sourceBranch: "main", artifact: "promote-merge-parent" },
    ],
  },
  // master → integration; pre-production (merge commit, only from master) → pre-production;
  // release tag on pre-production → production.
  "pre-production": {
    defaultBranch: "master",
    branches: [
      { name: "master", mergeMethods: ["squash"] },
      { name: "pre-production", mergeMethods: ["merge"], onlyFrom: "master" },
    ],
    releaseTags: [RELEASE_TAG],
    buildBranches: ["master"],
    stages: [
      { role: "integration", trigger: branch("master"), sourceBranch: "master", artifact: "build" },
      {
        role: "staging",
        trigger: branch("pre-production"),
        sourceBranch: "pre-production",
        artifact: "promote-merge-parent",
      },
      {
        role: "production",
        trigger: RELEASE_TAG,
        sourceBranch: "pre-production",
        artifact: "promote-commit",
      },
    ],
  },
};

/** Derives the release policy from a validated spec. Pure and deterministic. */
export function releasePolicy(spec: TeamSpec): ReleasePolicy {
  const preset = PRESETS[spec.branchModel];
  const shape = MODEL_SHAPES[spec.branchModel];
  const byRole = new Map(spec.environments.map((e) => [e.role, e] as const));

  const deployments: Deployment[] = [];
  for (const stage of preset.stages) {
    const env = byRole.get(stage.role);
    if (!env) continue;
    const sourceRole = shape.promotesFrom[stage.role];
    deployments.push({
      environment: env.name,
      role: stage.role,
      trigger: stage.trigger,
      sourceBranch: stage.sourceBranch,
      artifact: stage.artifact,
      promotesFrom: sourceRole ? byRole.get(sourceRole)?.name : undefined,
      reviewers: reviewersOf(env, spec),
      waitTimerMinutes: env.waitTimerMinutes,
      preventSelfReview: stage.role === "production",
      cancelInProgress: false,
      requiredAncestorBranch: stage.trigger.kind === "tag" ? stage.sourceBranch : undefined,
      rollbackBranch: preset.defaultBranch,
    });
  }

  const protectedBranches = preset.branches.map((b): ProtectedBranch => {
    const fed = deployments.filter((d) => d.sourceBranch === b.name);
    const approvals = Math.max(
      spec.people.requiredApprovals,
      ...fed.map((d) => byRole.get(d.role)?.requiredApprovals ?? 0),
    );
    // The pull-request workflow runs its quality jobs (`sonar`) on every protected branch's pull
    // requests, so each one requires them: the same function decides both.
    const checks: StatusCheck[] = [
      STATUS_CHECKS.lint,
      STATUS_CHECKS.test,
      STATUS_CHECKS.build,
      ...qualityChecks(spec),
    ];
    if (b.onlyFrom) checks.push(STATUS_CHECKS.prSource);
    return {
      name: b.name,
      matcher: branch(b.name),
      requiredApprovals: approvals,
      mergeMethods: b.mergeMethods,
      linearHistory: b.mergeMethods.every((m) => m !== "merge"),
      requiredChecks: checks,
      pullRequestsFrom: b.onlyFrom
        ? [branch(b.onlyFrom)]
        : [FEATURE_BRANCH, HOTFIX_BRANCH, DEPENDABOT_BRANCH],
      sourceEnforcedByCheck: b.onlyFrom !== undefined,
      requireUpToDate: b.onlyFrom === undefined,
      promotionTarget: b.onlyFrom !== undefined,
    };
  });

  return {
    model: spec.branchModel,
    defaultBranch: preset.defaultBranch,
    protectedBranches,
    workBranches: [FEATURE_BRANCH, HOTFIX_BRANCH, DEPENDABOT_BRANCH],
    releaseTags: preset.releaseTags,
    releaseTagRegex: anyOf(preset.releaseTags.map((t) => t.regex)),
    buildBranches: preset.buildBranches.map(branch),
    deployments,
  };
}

function reviewersOf(env: EnvironmentSpec, spec: TeamSpec): readonly string[] {
  if (env.requiredReviewers) return env.requiredReviewers;
  return env.role === "production" ? spec.people.maintainers : [];
}

/** `^a$` and `^b$` → `^(a|b)$`: one RE2 expression for a ruleset. */
function anyOf(regexes: readonly string[]): string {
  if (regexes.length === 1) return regexes[0];
  const bodies = regexes.map((r) => r.replace(/^\^/, "").replace(/\$$/, ""));
  return `^(${bodies.join("|")})$`;
}

// ---------------------------------------------------------------------------------------------
// Questions the rest of the program asks of a policy.

/** `refs/heads/main`, `refs/tags/v*`: ruleset `ref_name` conditions. */
export function refPatterns(matcher: RefMatcher): string[] {
  const prefix = matcher.kind === "branch" ? "refs/heads/" : "refs/tags/";
  return matcher.patterns.map((p) => `${prefix}${p}`);
}

/** True when `name` is a ref of `matcher`'s kind that its exact regex admits. */
export function matchesExactly(matcher: RefMatcher, kind: RefKind, name: string): boolean {
  return matcher.kind === kind && new RegExp(matcher.regex).test(name);
}

/** The environment a pushed branch or tag deploys to under the policy's exact rules. */
export function deploymentFor(policy: ReleasePolicy, kind: RefKind, name: string): Deployment | undefined {
  return policy.deployments.find((d) => matchesExactly(d.trigger, kind, name));
}

/** A deployment by environment name; throws for a name the policy does not know. */
export function deploymentOf(policy: ReleasePolicy, environment: string): Deployment {
  const found = policy.deployments.find((d) => d.environment === environment);
  if (!found) {
    const known = policy.deployments.map((d) => d.environment).join(", ");
    throw new Error(
      `environment "${environment}" is not deployed by the ${policy.model} model (known: ${known})`,
    );
  }
  return found;
}

/**
 * The branches whose copy of the pipeline files matters: every protected branch (its pull
 * requests' required checks run the workflow files of the merge with it, and its pushes or the
 * tags on it trigger deploys with its own files) and every branch a deployment is sourced from.
 * The shared stack commits the workflows, the pre-commit config and CODEOWNERS to each of them.
 */
export function pipelineBranches(policy: ReleasePolicy): string[] {
  const names = [
    policy.defaultBranch,
    ...policy.protectedBranches.map((b) => b.name),
    ...policy.deployments.map((d) => d.sourceBranch),
  ];
  return [...new Set(names)];
}

/** Every branch name people may create: the protected ones and the work branches. */
export function allowedBranches(policy: ReleasePolicy): RefMatcher[] {
  return [...policy.protectedBranches.map((b) => b.matcher), ...policy.workBranches];
}

// ---------------------------------------------------------------------------------------------
// OIDC subjects (GitHub's default subject template).

export interface RepositoryRef {
  readonly owner: string;
  readonly name: string;
}

/** What a job that names `environment:` presents; the ref is not part of it. */
export function environmentSubject(repo: RepositoryRef, environment: string): string {
  return `repo:${repo.owner}/${repo.name}:environment:${environment}`;
}

/** What a job without an environment presents on a push to a branch. */
export function branchSubject(repo: RepositoryRef, branchName: string): string {
  return `repo:${repo.owner}/${repo.name}:ref:refs/heads/${branchName}`;
}

/** The subjects allowed to assume an environment's deploy role: one per team repository. */
export function deploySubjects(
  policy: ReleasePolicy,
  environment: string,
  repos: readonly RepositoryRef[],
): string[] {
  const d = deploymentOf(policy, environment);
  return repos.map((r) => environmentSubject(r, d.environment));
}

/** The subjects allowed to assume the build role: the building branches, never pull requests. */
export function buildSubjects(policy: ReleasePolicy, repos: readonly RepositoryRef[]): string[] {
  return repos.flatMap((r) => policy.buildBranches.map((b) => branchSubject(r, b.patterns[0])));
}
