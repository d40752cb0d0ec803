/**
 * Repository settings and GitHub environment settings derived from the spec and the release
 * policy: plain data, tested without Pulumi.
 */
import type { ServiceSpec } from "../team";
import { type Deployment, type MergeMethod, type ReleasePolicy } from "../release";
import { splitPrincipals, type Principals } from "./principals";

/** The branch GitHub creates with `autoInit` (its default for new repositories). */
export const GITHUB_INITIAL_BRANCH = "main";

export interface RepositorySettings {
  readonly name: string;
  readonly description: string;
  readonly visibility: ServiceSpec["visibility"];
  readonly topics: readonly string[];
  readonly allowSquashMerge: boolean;
  readonly allowMergeCommit: boolean;
  readonly allowRebaseMerge: boolean;
  readonly deleteBranchOnMerge: boolean;
  readonly vulnerabilityAlerts: boolean;
  readonly autoInit: boolean;
  readonly archiveOnDestroy: boolean;
  readonly hasIssues: boolean;
  readonly hasWiki: boolean;
  readonly hasProjects: boolean;
  readonly allowAutoMerge: boolean;
  readonly allowUpdateBranch: boolean;
}

/** The merge methods any protected branch of the model accepts. */
export function mergeMethods(policy: ReleasePolicy): Set<MergeMethod> {
  return new Set(policy.protectedBranches.flatMap((b) => b.mergeMethods));
}

/** The repository's own settings. The name is the service's: a rename renames the repository. */
export function repositorySettings(service: ServiceSpec, policy: ReleasePolicy): RepositorySettings {
  const methods = mergeMethods(policy);
  return {
    name: service.name,
    description: service.description,
    visibility: service.visibility,
    topics: service.topics,
    allowSquashMerge: methods.has("squash"),
    allowMergeCommit: methods.has("merge"),
    allowRebaseMerge: methods.has("rebase"),
    deleteBranchOnMerge: true,
    vulnerabilityAlerts: true,
    autoInit: true,
    // `pulumi destroy` (or dropping a service from the spec) archives: history is never deleted.
    archiveOnDestroy: true,
    hasIssues: true,
    hasWiki: false,
    hasProjects: false,
    allowAutoMerge: false,
    // Required checks are strict (tested against the latest base), so offer the update button.
    allowUpdateBranch: true,
  };
}

/** Protected branches other than the default one: created from it by the shared stack. */
export function longLivedBranches(policy: ReleasePolicy): string[] {
  return policy.protectedBranches.map((b) => b.name).filter((b) => b !== policy.defaultBranch);
}

export interface DeploymentPolicySpec {
  /** Stable key for the child resource name. */
  readonly key: string;
  readonly branchPattern?: string;
  readonly tagPattern?: string;
}

/**
 * The environment's deployment policies: the deployment's trigger patterns, as tag patterns or
 * branch patterns, and the rollback branch (the default branch). A coarse fence (fnmatch cannot
 * say "digits only"): the workflow's exact regex guard runs before any deploy.
 *
 * The rollback branch: `rollback.yml` is dispatched from the default branch for every
 * environment, and GitHub runs a job that names an environment only when the run's ref matches
 * one of its deployment branch policies ("Branches and tags: … Only branches and tags that
 * match the specified name patterns can deploy to the environment", GitHub docs, "Managing
 * environments for deployment" › Deployment branches and tags). Admitting it is safe (see
 * `Deployment.rollbackBranch`): nothing on the default branch deploys but its own trigger's
 * workflow and the rollback, which runs only what the environment already ran.
 */
export function deploymentPolicies(deployment: Deployment): DeploymentPolicySpec[] {
  const trigger = deployment.trigger;
  const specs = trigger.patterns.map((pattern): DeploymentPolicySpec =>
    trigger.kind === "tag"
      ? { key: `tag-${patternKey(pattern)}`, tagPattern: pattern }
      : { key: `branch-${patternKey(pattern)}`, branchPattern: pattern },
  );
  const rollback = deployment.rollbackBranch;
  if (!specs.some((s) => s.branchPattern === rollback))
    specs.push({ key: `branch-${patternKey(rollback)}`, branchPattern: rollback });
  const keys = specs.map((s) => s.key);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate)
    throw new Error(`deployment patterns of ${deployment.environment} collide on the key "${duplicate}"`);
  return specs;
}

/** `v[0-9]*.[0-9]*.[0-9]*-rc.[0-9]*` → `v-0-9-0-9-0-9-rc-0-9`: a readable resource-name part. */
export function patternKey(pattern: string): string {
  const key = pattern
    .toLowerCase()
    .replace(/\*\*/g, "any")
    .replace(/\*/g, "x")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return key || "all";
}

export interface EnvironmentSettings {
  readonly environment: string;
  readonly waitTimer: number;
  readonly preventSelfReview: boolean;
  /** Admins follow the environment's rules like everyone else. */
  readonly canAdminsBypass: boolean;
  readonly reviewers: Principals;
  /** Only the custom policies decide which refs deploy; "protected branches" would admit any. */
  readonly deploymentBranchPolicy: {
    readonly protectedBranches: boolean;
    readonly customBranchPolicies: boolean;
  };
}

/** GitHub allows at most this many required reviewers (users and teams together). */
export const MAX_ENVIRONMENT_REVIEWERS = 6;

export function environmentSettings(deployment: Deployment): EnvironmentSettings {
  const reviewers = splitPrincipals(deployment.reviewers);
  const count = reviewers.users.length + reviewers.teams.length;
  if (count > MAX_ENVIRONMENT_REVIEWERS) {
    throw new Error(
      `environment ${deployment.environment} names ${count} required reviewers; GitHub allows at most ${MAX_ENVIRONMENT_REVIEWERS} (use a team)`,
    );
  }
  return {
    environment: deployment.environment,
    waitTimer: deployment.waitTimerMinutes,
    preventSelfReview: deployment.preventSelfReview,
    canAdminsBypass: false,
    reviewers,
    deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
  };
}

/** The full refs an environment admits (`refs/tags/v…`, the rollback branch), for people reading a plan. */
export function deploymentRefs(deployment: Deployment): string[] {
  return deploymentPolicies(deployment).map((p) =>
    p.tagPattern !== undefined ? `refs/tags/${p.tagPattern}` : `refs/heads/${p.branchPattern}`,
  );
}
