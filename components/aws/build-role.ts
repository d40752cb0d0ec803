import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy, RepositoryRef } from "../release";
import { buildRolePath } from "./arns";
import { buildPermissions, buildTrustPolicy } from "./iam-documents";
import { providerScope } from "./scope";

export interface BuildRoleArgs {
  readonly team: string;
  readonly policy: ReleasePolicy;
  /** The team's repositories on GitHub (owner and name). */
  readonly repositories: readonly RepositoryRef[];
  /** ARN of the GitHub OIDC provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** AWS region of the registries. */
  readonly region: string;
  /** ECR repository names the role may push to (exactly the team's). */
  readonly registries: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Maximum session length in seconds.
   * @default 3600 - one hour, enough for a build and push
   */
  readonly maxSessionDuration?: number;
}

/** CI build role: assumable by the team's building branches (never pull requests); pushes images. */
export class BuildRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: BuildRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:BuildRole", name, {}, opts);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        path: buildRolePath(args.team),
        description: `GitHub Actions builds of team ${args.team}: push images to the team's registries`,
        assumeRolePolicy: pulumi.jsonStringify(
          pulumi
            .output(args.oidcProviderArn)
            .apply((arn) => buildTrustPolicy(args.policy, args.repositories, arn)),
        ),
        maxSessionDuration: args.maxSessionDuration ?? 3600,
      },
      { parent: this },
    );
    const scope = providerScope(this);
    new aws.iam.RolePolicy(
      `${name}-push`,
      {
        role: this.role.name,
        policy: pulumi.jsonStringify(
          pulumi
            .all([scope, args.registries])
            .apply(([s, repositories]) => buildPermissions({ ...s, region: args.region, repositories })),
        ),
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
