/**
 * One deployment environment on GitHub (the environment stack's half of the workflow): the
 * environment on every service repository with its deployment policies and reviewers from the
 * release policy, and the environment-scoped Actions variables and secrets the deploy jobs read.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { ENVIRONMENT_SECRETS, ENVIRONMENT_VARIABLES, type Deployment } from "../release";
import { deploymentPolicies, deploymentRefs, environmentSettings } from "./settings";

export type EnvironmentVariableName = (typeof ENVIRONMENT_VARIABLES)[keyof typeof ENVIRONMENT_VARIABLES];
export type EnvironmentSecretName = (typeof ENVIRONMENT_SECRETS)[keyof typeof ENVIRONMENT_SECRETS];
/** Values for environment-scoped variables; an undefined value creates no variable. */
export type EnvironmentVariables = Readonly<
  Partial<Record<EnvironmentVariableName, pulumi.Input<string> | undefined>>
>;
/** Values for environment secrets; an undefined value (not configured) creates no secret. */
export type EnvironmentSecrets = Readonly<
  Partial<Record<EnvironmentSecretName, pulumi.Input<string> | undefined>>
>;

export interface EnvironmentRepository {
  /** Repository name (the service's). */
  readonly name: string;
  /** Names the repository had before: children are aliased so a rename updates in place. @default [] */
  readonly formerNames?: readonly string[];
}

export interface EnvironmentSummary {
  readonly name: string;
  /** Full refs the deployment policies admit (`refs/tags/v[0-9]*…`): a coarse fence. */
  readonly admits: readonly string[];
  /** The exact rule the workflow checks before deploying. */
  readonly exactRule: string;
  readonly reviewers: readonly string[];
  readonly waitTimerMinutes: number;
  readonly preventSelfReview: boolean;
}

export interface DeploymentEnvironmentArgs {
  /** The release policy's deployment for this environment (`deploymentOf(policy, name)`). */
  readonly deployment: Deployment;
  /** The service repositories that get this environment. */
  readonly repositories: readonly EnvironmentRepository[];
  /**
   * Environment-scoped Actions variables per repository name, keyed by ENVIRONMENT_VARIABLES
   * names (deploy role ARN, server instance ids, public URL, release parameter, …).
   * @default none - a repository without an entry gets no variables
   */
  readonly variables?: Readonly<Record<string, EnvironmentVariables>>;
  /**
   * Environment secrets shared by every repository, keyed by ENVIRONMENT_SECRETS names. Values
   * are wrapped in `pulumi.secret` and sent through the provider's `value` input only.
   * @default none - notifications stay off
   */
  readonly secrets?: EnvironmentSecrets;
}

function kebab(name: string): string {
  return name.toLowerCase().replace(/_/g, "-");
}

export class DeploymentEnvironment extends pulumi.ComponentResource {
  /** The GitHub environment per repository name. */
  public readonly environments: Readonly<Record<string, github.RepositoryEnvironment>>;
  /** The environment's name. */
  public readonly environmentName: string;
  /** What the environment admits and who approves, as people write it (for plans and outputs). */
  public readonly summary: EnvironmentSummary;

  constructor(name: string, args: DeploymentEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:github:DeploymentEnvironment", name, {}, opts);
    const settings = environmentSettings(args.deployment);
    const policies = deploymentPolicies(args.deployment);

    // Reviewers are numeric ids on GitHub: look each one up once.
    const users = settings.reviewers.users.map((username) =>
      github.getUserOutput({ username }, { parent: this }).id.apply(Number),
    );
    const teams = settings.reviewers.teams.map((slug) =>
      github.getTeamOutput({ slug, summaryOnly: true }, { parent: this }).id.apply(Number),
    );
    const reviewers = users.length + teams.length > 0 ? [{ users, teams }] : [];

    const environments: Record<string, github.RepositoryEnvironment> = {};
    for (const repository of args.repositories) {
      const prefix = `${name}-${repository.name}`;
      const formerPrefixes = (repository.formerNames ?? []).map((former) => `${name}-${former}`);
      // Keyed by repository name: replaced only by a rename; GitHub redirects the old name, so the
      // old object goes first (a late delete would remove the new one).
      const child = (
        suffix: string,
        extra: pulumi.CustomResourceOptions = {},
      ): pulumi.CustomResourceOptions => ({
        parent: this,
        aliases: formerPrefixes.map((p) => ({ name: `${p}-${suffix}` })),
        deleteBeforeReplace: true,
        ...extra,
      });

      const environment = new github.RepositoryEnvironment(
        `${prefix}-env`,
        {
          repository: repository.name,
          environment: settings.environment,
          waitTimer: settings.waitTimer,
          preventSelfReview: settings.preventSelfReview,
          canAdminsBypass: settings.canAdminsBypass,
          reviewers,
          deploymentBranchPolicy: settings.deploymentBranchPolicy,
        },
        child("env"),
      );
      environments[repository.name] = environment;

      for (const policy of policies) {
        new github.RepositoryEnvironmentDeploymentPolicy(
          `${prefix}-policy-${policy.key}`,
          {
            repository: repository.name,
            environment: environment.environment,
            branchPattern: policy.branchPattern,
            tagPattern: policy.tagPattern,
          },
          child(`policy-${policy.key}`),
        );
      }

      for (const [variableName, value] of Object.entries(args.variables?.[repository.name] ?? {})) {
        if (value === undefined) continue;
        new github.ActionsEnvironmentVariable(
          `${prefix}-var-${kebab(variableName)}`,
          { repository: repository.name, environment: environment.environment, variableName, value },
          child(`var-${kebab(variableName)}`),
        );
      }

      for (const [secretName, value] of Object.entries(args.secrets ?? {})) {
        if (value === undefined) continue;
        new github.ActionsEnvironmentSecret(
          `${prefix}-secret-${kebab(secretName)}`,
          // `value`, never the deprecated `plaintextValue`; secret end to end.
          {
            repository: repository.name,
            environment: environment.environment,
            secretName,
            value: pulumi.secret(value),
          },
          child(`secret-${kebab(secretName)}`),
        );
      }
    }
    this.environments = environments;
    this.environmentName = settings.environment;
    this.summary = {
      name: settings.environment,
      admits: deploymentRefs(args.deployment),
      exactRule: args.deployment.trigger.regex,
      reviewers: args.deployment.reviewers,
      waitTimerMinutes: settings.waitTimer,
      preventSelfReview: settings.preventSelfReview,
    };
    this.registerOutputs({ environmentName: this.environmentName, summary: this.summary });
  }
}
