/**
 * The team and one {@link ServiceRepository} per service in the spec. The rulesets come after
 * every file committed to the branches: see {@link RepositoryRulesets}.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TeamSpec } from "../team";
import type { ReleasePolicy } from "../release";
import { ServiceRepository, type RepositorySecrets, type RepositoryVariables } from "./repository";
import { TeamAccess } from "./team";

export interface TeamRepositoriesArgs {
  /** The validated team spec. */
  readonly spec: TeamSpec;
  /** The release policy derived from {@link spec}. */
  readonly policy: ReleasePolicy;
  /**
   * Repository-level Actions variables per service name, keyed by REPOSITORY_VARIABLES names.
   * @default none - services without an entry get no variables
   */
  readonly variables?: Readonly<Record<string, RepositoryVariables>>;
  /**
   * Repository-level Actions secrets every service repository gets, keyed by REPOSITORY_SECRETS
   * names (one Slack webhook and one Sonar token per team).
   * @default none - notifications and Sonar have no credentials
   */
  readonly secrets?: RepositorySecrets;
  /**
   * Repository-level Dependabot secrets every service repository gets: the secrets a job that
   * runs on Dependabot's pull requests reads (see {@link ServiceRepositoryArgs.dependabotSecrets}).
   * @default none
   */
  readonly dependabotSecrets?: RepositorySecrets;
}

export class TeamRepositories extends pulumi.ComponentResource {
  public readonly access: TeamAccess;
  /** Repositories by service name. */
  public readonly repositories: Readonly<Record<string, ServiceRepository>>;
  /** Repository name per service name (equal today; read it from here, not from the spec). */
  public readonly repositoryNames: pulumi.Output<Record<string, string>>;
  /** Per service, every pipeline branch as the output of the resource that creates it. */
  public readonly branches: Readonly<Record<string, Readonly<Record<string, pulumi.Output<string>>>>>;

  constructor(name: string, args: TeamRepositoriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:github:TeamRepositories", name, {}, opts);
    const { spec, policy } = args;
    this.access = new TeamAccess(`${name}-access`, { spec }, { parent: this });

    const repositories: Record<string, ServiceRepository> = {};
    for (const service of spec.services) {
      repositories[service.name] = new ServiceRepository(
        `${name}-${service.name}`,
        {
          spec,
          policy,
          service,
          teamId: this.access.team.id,
          maintainersTeamId: this.access.maintainersTeam.id,
          variables: args.variables?.[service.name],
          secrets: args.secrets,
          dependabotSecrets: args.dependabotSecrets,
          previousNames: service.formerNames.map((former) => `${name}-${former}`),
        },
        { parent: this },
      );
    }
    this.repositories = repositories;
    this.branches = Object.fromEntries(Object.entries(repositories).map(([s, r]) => [s, r.branches]));
    this.repositoryNames = pulumi.output(
      Object.fromEntries(
        Object.entries(repositories).map(([service, repo]) => [service, repo.repositoryName]),
      ),
    );
    this.registerOutputs({ repositoryNames: this.repositoryNames });
  }
}
