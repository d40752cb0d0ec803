import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { previewRolePath } from "./arns";
import { clusterPreviewPermissions, previewTrustPolicy } from "./iam-documents";
import { clusterPreviewRoleName } from "./names";
import { createCiRole, type RepositoryRoleArgs } from "./ci-role";
import { providerScope } from "./scope";

export interface ClusterPreviewRoleArgs extends RepositoryRoleArgs {
  /** The environment whose cluster hosts previews (for the description). */
  readonly environment: string;
}

/**
 * The role one repository's preview jobs assume from its `preview` GitHub environment when
 * previews run on Kubernetes: trusted exactly like the server's preview role
 * (`repo:OWNER/REPO:environment:preview`), it may push that service's images and nothing else in
 * AWS. In the cluster it is what an EKS access entry (components/kubernetes DeployAccess) puts in
 * the previews namespace's deployer group.
 */
export class ClusterPreviewRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  public readonly policy: aws.iam.RolePolicy;

  constructor(name: string, args: ClusterPreviewRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:ClusterPreviewRole", name, {}, opts);
    const scope = args.scope ?? providerScope(this);
    // Its EKS access entry is bound to the role's unique id: createCiRole deletes before replacing.
    ({ role: this.role, policy: this.policy } = createCiRole(this, name, {
      roleName: clusterPreviewRoleName(args.team, args.service),
      path: previewRolePath(args.team),
      description: `GitHub Actions previews of ${args.repository.owner}/${args.repository.name} on ${args.environment}'s cluster`,
      trustPolicy: pulumi
        .output(args.oidcProviderArn)
        .apply((arn) => previewTrustPolicy(args.repository, arn)),
      policyName: "preview",
      permissions: pulumi
        .all([scope, args.registry])
        .apply(([s, repository]) => clusterPreviewPermissions({ ...s, region: args.region, repository })),
      maxSessionDuration: args.maxSessionDuration,
    }));
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
