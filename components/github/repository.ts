/**
 * One service's repository with everything the workflow needs on it: settings, default and
 * long-lived branches, team access, CODEOWNERS, rulesets and repository-level Actions variables.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec, TeamSpec } from "../team";
import { REPOSITORY_VARIABLES, type ReleasePolicy } from "../release";
import { CODEOWNERS_PATH, codeownersFile } from "./codeowners";
import { isTeam, teamSlug } from "./principals";
import { repositoryRulesets, type BypassActorSpec } from "./rulesets";
import { GITHUB_INITIAL_BRANCH, longLivedBranches, repositorySettings } from "./settings";

export type RepositoryVariableName = (typeof REPOSITORY_VARIABLES)[keyof typeof REPOSITORY_VARIABLES];
/** Values for repository-level Actions variables; an undefined value creates no variable. */
export type RepositoryVariables = Readonly<
  Partial<Record<RepositoryVariableName, pulumi.Input<string> | undefined>>
>;

export interface ServiceRepositoryArgs {
  /** The validated team spec (plan, people, release settings). */
  readonly spec: TeamSpec;
  /** The release policy derived from {@link spec}. */
  readonly policy: ReleasePolicy;
  /** The service this repository holds. */
  readonly service: ServiceSpec;
  /** Id of the team everyone on the services belongs to: gets `push`. */
  readonly teamId: pulumi.Input<string>;
  /** Id of the maintainers' team: gets `maintain` and bypasses release-tag creation. */
  readonly maintainersTeamId: pulumi.Input<string>;
  /** Slug of the maintainers' team (names the bypass actor before ids are known). */
  readonly maintainersTeamSlug: string;
  /**
   * Id of the GitHub App Pulumi authenticates as: the only bypass actor of the protected-branch
   * rulesets, so the files this program manages can be committed to PR-only branches.
   * @default none - nobody bypasses; managed files can then only be written before the rulesets exist
   */
  readonly automationAppId?: number;
  /**
   * Repository-level Actions variables, keyed by REPOSITORY_VARIABLES names (region, registry URL,
   * build role ARN from the AWS side).
   * @default none - a variable whose value is undefined is not created
   */
  readonly variables?: RepositoryVariables;
  /**
   * Logical names this component had before (a renamed service's old `${prefix}-${oldName}`):
   * the component and every child are aliased, so a rename updates in place.
   * @default [] - never renamed
   */
  readonly previousNames?: readonly string[];
}

/** `ECR_REPOSITORY_URL` → `ecr-repository-url`: the variable's part of a child name. */
function kebab(name: string): string {
  return name.toLowerCase().replace(/_/g, "-");
}

export class ServiceRepository extends pulumi.ComponentResource {
  public readonly repository: github.Repository;
  /** The repository's name (the service's). */
  public readonly repositoryName: pulumi.Output<string>;
  /** `owner/name`. */
  public readonly fullName: pulumi.Output<string>;
  /** Rulesets by key (`branch-main`, `branch-names`, `release-tags`, …). */
  public readonly rulesets: Readonly<Record<string, github.RepositoryRuleset>>;

  constructor(name: string, args: ServiceRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    const previous = args.previousNames ?? [];
    super(
      "delivery:github:ServiceRepository",
      name,
      {},
      {
        ...opts,
        aliases: [...(opts?.aliases ?? []), ...previous.map((n) => ({ name: n }))],
      },
    );
    const { spec, policy, service } = args;
    // Every child is aliased from its former name, so the plan shows a rename, never a delete.
    const child = (
      suffix: string,
      extra: pulumi.CustomResourceOptions = {},
    ): pulumi.CustomResourceOptions => ({
      parent: this,
      aliases: previous.map((n) => ({ name: `${n}-${suffix}` })),
      ...extra,
    });
    // Settings keyed by repository name: replaced only by a rename, and GitHub redirects the old
    // name, so the old one must go before the new one is created (or the delete would remove it).
    const keyed = (suffix: string, extra: pulumi.CustomResourceOptions = {}) =>
      child(suffix, { deleteBeforeReplace: true, ...extra });

    const settings = repositorySettings(service, policy);
    this.repository = new github.Repository(
      `${name}-repo`,
      { ...settings, topics: [...settings.topics] },
      child("repo", { protect: true }),
    );
    const repo = this.repository.name;

    // autoInit creates GitHub's initial branch; a model with another default renames it.
    const defaultBranch = new github.BranchDefault(
      `${name}-default-branch`,
      {
        repository: repo,
        branch: policy.defaultBranch,
        rename: policy.defaultBranch !== GITHUB_INITIAL_BRANCH,
      },
      // Follows a rename (GitHub keeps the repository's default across it) instead of replacing.
      child("default-branch", { ignoreChanges: ["repository"] }),
    );

    const branches: Record<string, github.Branch> = {};
    for (const branchName of longLivedBranches(policy)) {
      branches[branchName] = new github.Branch(
        `${name}-branch-${branchName}`,
        { repository: repo, branch: branchName, sourceBranch: defaultBranch.branch },
        // A long-lived branch carries history: never replaced (GitHub keeps refs across a rename)
        // and never deleted with the stack.
        child(`branch-${branchName}`, { ignoreChanges: ["repository"], retainOnDelete: true }),
      );
    }

    const access: Array<[string, pulumi.Input<string>, string]> = [
      ["team", args.teamId, "push"],
      ["maintainers", args.maintainersTeamId, "maintain"],
      ...spec.people.maintainers
        .filter(isTeam)
        .map((p): [string, string, string] => [teamSlug(p), teamSlug(p), "maintain"]),
      // Reviewers and code owners need write access for their approvals to count.
      ...[...spec.people.reviewers, ...service.owners]
        .filter(isTeam)
        .map((p): [string, string, string] => [teamSlug(p), teamSlug(p), "push"]),
    ];
    const granted = new Set<string>();
    for (const [key, teamId, permission] of access) {
      if (granted.has(key)) continue;
      granted.add(key);
      new github.TeamRepository(
        `${name}-access-${key}`,
        { repository: repo, teamId, permission },
        keyed(`access-${key}`),
      );
    }

    // CODEOWNERS on every protected branch: a pull request is judged by its base branch's file.
    const content = codeownersFile(spec, service);
    const files: github.RepositoryFile[] = [];
    for (const protectedBranch of policy.protectedBranches) {
      const branch =
        protectedBranch.name === policy.defaultBranch
          ? defaultBranch.branch
          : branches[protectedBranch.name].branch;
      files.push(
        new github.RepositoryFile(
          `${name}-codeowners-${protectedBranch.name}`,
          {
            repository: repo,
            branch,
            file: CODEOWNERS_PATH,
            content,
            commitMessage: "chore: CODEOWNERS from the team spec (delivery-workflow)",
            overwriteOnCreate: true,
          },
          // Replacing a file would delete it through the old name's redirect: follow the rename.
          child(`codeowners-${protectedBranch.name}`, { ignoreChanges: ["repository"] }),
        ),
      );
    }

    const bypassTeamIds = new Map<string, pulumi.Input<string>>([
      [args.maintainersTeamSlug, args.maintainersTeamId],
    ]);
    const bypassActor = (actor: BypassActorSpec) => {
      if (actor.actorType === "Integration") return actor;
      let id = bypassTeamIds.get(actor.teamSlug);
      if (id === undefined) {
        id = github.getTeamOutput({ slug: actor.teamSlug, summaryOnly: true }, { parent: this }).id;
        bypassTeamIds.set(actor.teamSlug, id);
      }
      return { actorType: "Team", actorId: pulumi.output(id).apply(Number), bypassMode: actor.bypassMode };
    };

    // A plain array, never a promise: the SDK walks every resource reachable from a promised
    // dependsOn value, which made each ruleset cost as much as the whole stack.
    const rulesetDependencies: pulumi.Resource[] = [...files, ...Object.values(branches)];
    const rulesets: Record<string, github.RepositoryRuleset> = {};
    for (const ruleset of repositoryRulesets(spec, policy, args.maintainersTeamSlug, args.automationAppId)) {
      rulesets[ruleset.key] = new github.RepositoryRuleset(
        `${name}-ruleset-${ruleset.key}`,
        {
          repository: repo,
          name: ruleset.name,
          target: ruleset.target,
          enforcement: ruleset.enforcement,
          conditions: {
            refName: {
              includes: [...ruleset.conditions.refName.includes],
              excludes: [...ruleset.conditions.refName.excludes],
            },
          },
          rules: toRules(ruleset.rules),
          bypassActors: ruleset.bypassActors.map(bypassActor),
        },
        // CODEOWNERS and long-lived branches first; later commits of managed files go through the
        // automation app's bypass (see automationAppId).
        child(`ruleset-${ruleset.key}`, { dependsOn: rulesetDependencies }),
      );
    }
    this.rulesets = rulesets;

    for (const [variableName, value] of Object.entries(args.variables ?? {})) {
      if (value === undefined) continue;
      new github.ActionsVariable(
        `${name}-var-${kebab(variableName)}`,
        { repository: repo, variableName, value },
        keyed(`var-${kebab(variableName)}`),
      );
    }

    this.repositoryName = repo;
    this.fullName = this.repository.fullName;
    this.registerOutputs({ repositoryName: this.repositoryName, fullName: this.fullName });
  }
}

/** Read-only builder data → the provider's (mutable) input shape. */
function toRules(
  rules: ReturnType<typeof repositoryRulesets>[number]["rules"],
): github.types.input.RepositoryRulesetRules {
  return {
    ...rules,
    pullRequest: rules.pullRequest && {
      ...rules.pullRequest,
      allowedMergeMethods: [...rules.pullRequest.allowedMergeMethods],
    },
    requiredStatusChecks: rules.requiredStatusChecks && {
      ...rules.requiredStatusChecks,
      requiredChecks: rules.requiredStatusChecks.requiredChecks.map((c) => ({ ...c })),
    },
  };
}
