/**
 * One service's repository with everything the workflow needs on it: settings, default and
 * long-lived branches, team access, CODEOWNERS and repository-level Actions variables. Its
 * rulesets are a separate component ({@link RepositoryRulesets}) so they can wait for every file
 * committed to its branches, the pipeline's included.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec, TeamSpec } from "../team";
import { pipelineBranches, REPOSITORY_SECRETS, REPOSITORY_VARIABLES, type ReleasePolicy } from "../release";
import { CODEOWNERS_PATH, codeownersFile } from "./codeowners";
import { isTeam, teamSlug } from "./principals";
import { GITHUB_INITIAL_BRANCH, longLivedBranches, repositorySettings } from "./settings";

export type RepositoryVariableName = (typeof REPOSITORY_VARIABLES)[keyof typeof REPOSITORY_VARIABLES];
/** Values for repository-level Actions variables; an undefined value creates no variable. */
export type RepositoryVariables = Readonly<
  Partial<Record<RepositoryVariableName, pulumi.Input<string> | undefined>>
>;

export type RepositorySecretName = (typeof REPOSITORY_SECRETS)[keyof typeof REPOSITORY_SECRETS];
/** Values for repository-level Actions secrets; an undefined value (not configured) creates none. */
export type RepositorySecrets = Readonly<
  Partial<Record<RepositorySecretName, pulumi.Input<string> | undefined>>
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
  /** Id of the maintainers' team: gets `maintain`. */
  readonly maintainersTeamId: pulumi.Input<string>;
  /**
   * Repository-level Actions variables, keyed by REPOSITORY_VARIABLES names (region, registry URL,
   * build role ARN from the AWS side).
   * @default none - a variable whose value is undefined is not created
   */
  readonly variables?: RepositoryVariables;
  /**
   * Repository-level Actions secrets, keyed by REPOSITORY_SECRETS names (the Slack webhook the
   * final `notify` job reads, the Sonar token the `sonar` job reads: jobs outside any
   * environment see only repository secrets). Wrapped in `pulumi.secret` and sent through the
   * provider's `value` input only.
   * @default none - a secret whose value is undefined is not created
   */
  readonly secrets?: RepositorySecrets;
  /**
   * Repository-level Dependabot secrets, keyed by REPOSITORY_SECRETS names. A workflow run that
   * Dependabot triggers (its pull requests) reads Dependabot secrets instead of Actions secrets
   * (docs.github.com, "Automating Dependabot with GitHub Actions": "secrets are populated from
   * Dependabot secrets"), so a required job that needs a secret (`sonar`) would fail on every
   * Dependabot pull request without the same value here.
   * @default none - a secret whose value is undefined is not created
   */
  readonly dependabotSecrets?: RepositorySecrets;
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
  /**
   * Every branch the pipeline files go to (`pipelineBranches(policy)`), as the output of the
   * resource that creates it: whatever is written to one waits for the branch to exist.
   */
  public readonly branches: Readonly<Record<string, pulumi.Output<string>>>;
  /** What this component writes to the branches (CODEOWNERS) and the branches it creates. */
  public readonly managed: readonly pulumi.Resource[];

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
    // `[skip ci]`: this commit starts no workflow; no author or committer is set, so with a
    // GitHub App the commit is GitHub's verified one (see components/pipeline/service-pipelines.ts).
    const content = codeownersFile(spec, service);
    const files: github.RepositoryFile[] = [];
    for (const branchName of pipelineBranches(policy)) {
      const branch =
        branchName === policy.defaultBranch ? defaultBranch.branch : branches[branchName]?.branch;
      if (!branch)
        throw new Error(`pipeline branch "${branchName}" is neither the default nor a protected branch`);
      files.push(
        new github.RepositoryFile(
          `${name}-codeowners-${branchName}`,
          {
            repository: repo,
            branch,
            file: CODEOWNERS_PATH,
            content,
            commitMessage: "chore: CODEOWNERS from the team spec (delivery-workflow) [skip ci]",
            overwriteOnCreate: true,
          },
          // Replacing a file would delete it through the old name's redirect: follow the rename.
          child(`codeowners-${branchName}`, { ignoreChanges: ["repository"] }),
        ),
      );
    }

    const branchOutput = (b: string): pulumi.Output<string> => {
      if (b === policy.defaultBranch) return defaultBranch.branch;
      const created = branches[b];
      if (!created) throw new Error(`pipeline branch "${b}" is neither the default nor a protected branch`);
      return created.branch;
    };
    this.branches = Object.fromEntries(pipelineBranches(policy).map((b) => [b, branchOutput(b)]));
    this.managed = [...files, ...Object.values(branches)];

    for (const [variableName, value] of Object.entries(args.variables ?? {})) {
      if (value === undefined) continue;
      new github.ActionsVariable(
        `${name}-var-${kebab(variableName)}`,
        { repository: repo, variableName, value },
        keyed(`var-${kebab(variableName)}`),
      );
    }

    for (const [secretName, value] of Object.entries(args.secrets ?? {})) {
      if (value === undefined) continue;
      new github.ActionsSecret(
        `${name}-secret-${kebab(secretName)}`,
        // `value`, not `plaintextValue`: @pulumi/github 6.15 (terraform-provider-github v6.13)
        // deprecates `plaintext_value` for `value`, and the policy pack's
        // github-no-plaintext-secrets refuses it. The provider encrypts the value with the
        // repository's public key before `PUT /repos/{owner}/{repo}/actions/secrets/{name}`.
        { repository: repo, secretName, value: pulumi.secret(value) },
        keyed(`secret-${kebab(secretName)}`),
      );
    }

    for (const [secretName, value] of Object.entries(args.dependabotSecrets ?? {})) {
      if (value === undefined) continue;
      new github.DependabotSecret(
        `${name}-dependabot-secret-${kebab(secretName)}`,
        // `value` as for ActionsSecret (plaintext_value is deprecated in the same provider): it
        // encrypts with the repository's Dependabot public key and calls
        // `PUT /repos/{owner}/{repo}/dependabot/secrets/{name}`, which needs the App's
        // "Dependabot secrets" permission (components/github/app-permissions.ts).
        { repository: repo, secretName, value: pulumi.secret(value) },
        keyed(`dependabot-secret-${kebab(secretName)}`),
      );
    }

    this.repositoryName = repo;
    this.fullName = this.repository.fullName;
    this.registerOutputs({
      repositoryName: this.repositoryName,
      fullName: this.fullName,
      branches: this.branches,
    });
  }
}
