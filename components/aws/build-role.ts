import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy, RepositoryRef } from "../release";
import { buildRolePath } from "./arns";
import { buildPermissions, buildTrustPolicy } from "./iam-documents";
import { buildRoleName } from "./names";
import { createCiRole } from "./ci-role";
import { providerScope, type ProviderScope } from "./scope";

export interface BuildRoleArgs {
  readonly team: string;
  /** The service's stable key (its first name): names the role, so a rename keeps it. */
  readonly service: string;
  readonly policy: ReleasePolicy;
  /** The service's repository on GitHub (owner and current name): the only one trusted. */
  readonly repository: RepositoryRef;
  /** ARN of the GitHub OIDC provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** AWS region of the registry. */
  readonly region: string;
  /** The service's ECR repository name: the only registry the role may push to. */
  readonly registry: pulumi.Input<string>;
  /**
   * Partition and account of the provider, when the caller already looked them up (a stack with
   * one role per service looks them up once: `invokeScope`).
   * @default looked up through the component's AWS provider
   */
  readonly scope?: pulumi.Input<ProviderScope>;
  /**
   * Maximum session length in seconds.
   * @default 3600 - one hour, enough for a build and push
   */
  readonly maxSessionDuration?: number;
}

/**
 * CI build role of one service repository: assumable only by pushes to the branch the release
 * policy builds from, in that repository (never pull requests); pushes only that service's images.
 */
export class BuildRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: BuildRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:BuildRole", name, {}, opts);
    const scope = args.scope ?? providerScope(this);
    ({ role: this.role } = createCiRole(this, name, {
      roleName: buildRoleName(args.team, args.service),
      path: buildRolePath(args.team),
      description: `GitHub Actions builds of ${args.repository.owner}/${args.repository.name}: push its images`,
      trustPolicy: pulumi
        .output(args.oidcProviderArn)
        .apply((arn) => buildTrustPolicy(args.policy, args.repository, arn)),
      policyName: "push",
      permissions: pulumi
        .all([scope, args.registry])
        .apply(([s, repository]) => buildPermissions({ ...s, region: args.region, repository })),
      maxSessionDuration: args.maxSessionDuration,
    }));
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
