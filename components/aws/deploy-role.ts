import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy } from "../release";
import { deployRolePath } from "./arns";
import { deployPermissions, deployTrustPolicy } from "./iam-documents";
import { deployDocumentName, deployRoleName } from "./names";
import { createCiRole, type RepositoryRoleArgs } from "./ci-role";
import { providerScope } from "./scope";

export interface DeployRoleArgs extends RepositoryRoleArgs {
  /** Environment name: the role trusts `repo:OWNER/REPO:environment:<environment>` only. */
  readonly environment: string;
  /** The release policy: which refs may deploy to the environment. */
  readonly policy: ReleasePolicy;
  /** The service's release parameter name in this environment. */
  readonly releaseParameter: pulumi.Input<string>;
  /** This environment's server instance ids: the only targets of the deploy document. */
  readonly instanceIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The role one repository's deploy jobs assume from one GitHub environment: writes that
 * service's release parameter there, runs that service's deploy document on the environment's
 * servers, promotes that service's images. Nothing of any other service.
 */
export class DeployRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  /** The SSM document the role may send (`<team>-<environment>-<service>-deploy`). */
  public readonly deployDocument: string;

  constructor(name: string, args: DeployRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:DeployRole", name, {}, opts);
    this.deployDocument = deployDocumentName(args.team, args.environment, args.service);
    const scope = args.scope ?? providerScope(this);
    ({ role: this.role } = createCiRole(this, name, {
      roleName: deployRoleName(args.team, args.environment, args.service),
      path: deployRolePath(args.team),
      description: `GitHub Actions deploys of ${args.repository.owner}/${args.repository.name} to ${args.environment}`,
      trustPolicy: pulumi
        .output(args.oidcProviderArn)
        .apply((arn) => deployTrustPolicy(args.policy, args.environment, args.repository, arn)),
      policyName: "deploy",
      permissions: pulumi
        .all([scope, args.registry, args.releaseParameter, args.instanceIds])
        .apply(([s, repository, releaseParameter, instanceIds]) =>
          deployPermissions({
            ...s,
            region: args.region,
            repository,
            releaseParameter,
            deployDocument: this.deployDocument,
            instanceIds,
          }),
        ),
      maxSessionDuration: args.maxSessionDuration,
    }));
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn, deployDocument: this.deployDocument });
  }
}
