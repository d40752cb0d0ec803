import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RepositoryRef } from "../release";
import { previewRolePath } from "./arns";
import { clusterPreviewPermissions, previewTrustPolicy } from "./iam-documents";
import { clusterPreviewRoleName } from "./names";
import { providerScope, type ProviderScope } from "./scope";

export interface ClusterPreviewRoleArgs {
  readonly team: string;
  /** The environment whose cluster hosts previews (for the description). */
  readonly environment: string;
  /** The service's stable key (its first name): names the role. */
  readonly service: string;
  /** The service's repository on GitHub (owner and current name): the only one trusted. */
  readonly repository: RepositoryRef;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly region: string;
  /** The service's ECR repository name: the one repository it may push to (immutable tags). */
  readonly registry: pulumi.Input<string>;
  /**
   * Partition and account of the provider, when the caller already looked them up.
   * @default looked up through the component's AWS provider
   */
  readonly scope?: pulumi.Input<ProviderScope>;
  /**
   * Maximum session length in seconds.
   * @default 3600 - one hour, enough to build and deploy a preview
   */
  readonly maxSessionDuration?: number;
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
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: clusterPreviewRoleName(args.team, args.service),
        path: previewRolePath(args.team),
        description: `GitHub Actions previews of ${args.repository.owner}/${args.repository.name} on ${args.environment}'s cluster`,
        assumeRolePolicy: pulumi.jsonStringify(
          pulumi.output(args.oidcProviderArn).apply((arn) => previewTrustPolicy(args.repository, arn)),
        ),
        maxSessionDuration: args.maxSessionDuration ?? 3600,
      },
      // An EKS access entry stops working when its role is recreated, even under the same ARN
      // (it is bound to the role's unique id), so a replacement must never keep the old name
      // alive beside the new one. https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
      { parent: this, deleteBeforeReplace: true },
    );
    const scope = args.scope ?? providerScope(this);
    this.policy = new aws.iam.RolePolicy(
      `${name}-preview`,
      {
        role: this.role.name,
        policy: pulumi.jsonStringify(
          pulumi
            .all([scope, args.registry])
            .apply(([s, repository]) => clusterPreviewPermissions({ ...s, region: args.region, repository })),
        ),
      },
      { parent: this },
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
