import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy } from "../release";
import { buildRolePath } from "./arns";
import { buildPermissions, buildTrustPolicy } from "./iam-documents";
import { buildRoleName } from "./names";
import { createCiRole, type RepositoryRoleArgs } from "./ci-role";
import { providerScope } from "./scope";

export interface BuildRoleArgs extends RepositoryRoleArgs {
  /** The release policy: which branch the role trusts builds from. */
  readonly policy: ReleasePolicy;
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
