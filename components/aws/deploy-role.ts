import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy, RepositoryRef } from "../release";
import { deployRolePath } from "./arns";
import { deployPermissions, deployTrustPolicy } from "./iam-documents";
import { providerScope } from "./scope";

export interface DeployRoleArgs {
  readonly team: string;
  /** Environment name: the role trusts `repo:OWNER/REPO:environment:<environment>` only. */
  readonly environment: string;
  readonly policy: ReleasePolicy;
  readonly repositories: readonly RepositoryRef[];
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly region: string;
  /** ECR repository names: read and re-tag (promotion). */
  readonly registries: pulumi.Input<pulumi.Input<string>[]>;
  /** This environment's release parameter names. */
  readonly releaseParameters: readonly string[];
  /** This environment's server instance ids: the only targets of the deploy command. */
  readonly instanceIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Maximum session length in seconds.
   * @default 3600 - one hour, enough for a deploy and its smoke test
   */
  readonly maxSessionDuration?: number;
}

/**
 * The role a deploy job assumes from its GitHub environment: writes the environment's release
 * parameters, runs the deploy agent on the environment's servers, promotes images.
 */
export class DeployRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: DeployRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:DeployRole", name, {}, opts);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        path: deployRolePath(args.team),
        description: `GitHub Actions deploys of team ${args.team} to ${args.environment}`,
        assumeRolePolicy: pulumi.jsonStringify(
          pulumi
            .output(args.oidcProviderArn)
            .apply((arn) => deployTrustPolicy(args.policy, args.environment, args.repositories, arn)),
        ),
        maxSessionDuration: args.maxSessionDuration ?? 3600,
      },
      { parent: this },
    );
    const scope = providerScope(this);
    new aws.iam.RolePolicy(
      `${name}-deploy`,
      {
        role: this.role.name,
        policy: pulumi.jsonStringify(
          pulumi.all([scope, args.registries, args.instanceIds]).apply(([s, repositories, instanceIds]) =>
            deployPermissions({
              ...s,
              region: args.region,
              repositories,
              instanceIds,
              releaseParameters: args.releaseParameters,
            }),
          ),
        ),
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
