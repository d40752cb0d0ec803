import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { previewRolePath } from "./arns";
import { previewPermissions, previewTrustPolicy } from "./iam-documents";
import { previewDocumentName, previewRoleName } from "./names";
import { createCiRole, type RepositoryRoleArgs } from "./ci-role";
import { providerScope } from "./scope";

export interface PreviewRoleArgs extends RepositoryRoleArgs {
  /** The environment whose servers host previews (where the preview document exists). */
  readonly environment: string;
  /** Instance ids of the servers that host previews: the only targets of the preview document. */
  readonly instanceIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Preview servers stopped while no preview is open: the role may start and stop exactly these.
   * @default none - the role cannot start or stop any instance
   */
  readonly startStopInstanceIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The role one repository's preview jobs assume from its `preview` GitHub environment: runs that
 * service's preview document (deploy or remove `pr-<n>`) on the preview servers and builds and
 * pushes that service's images. It cannot write any release parameter or send any deploy document.
 */
export class PreviewRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  /** The role's inline policy. */
  public readonly policy: aws.iam.RolePolicy;
  /** The SSM document the role may send (`<team>-<environment>-<service>-preview`). */
  public readonly previewDocument: string;

  constructor(name: string, args: PreviewRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:aws:PreviewRole", name, {}, opts);
    this.previewDocument = previewDocumentName(args.team, args.environment, args.service);
    const scope = args.scope ?? providerScope(this);
    ({ role: this.role, policy: this.policy } = createCiRole(this, name, {
      roleName: previewRoleName(args.team, args.service),
      path: previewRolePath(args.team),
      description: `GitHub Actions previews of ${args.repository.owner}/${args.repository.name} on ${args.environment}`,
      trustPolicy: pulumi
        .output(args.oidcProviderArn)
        .apply((arn) => previewTrustPolicy(args.repository, arn)),
      policyName: "preview",
      permissions: pulumi
        .all([scope, args.registry, args.instanceIds, args.startStopInstanceIds ?? []])
        .apply(([s, repository, instanceIds, startStopInstanceIds]) =>
          previewPermissions({
            ...s,
            region: args.region,
            repository,
            previewDocument: this.previewDocument,
            instanceIds,
            startStopInstanceIds,
          }),
        ),
      maxSessionDuration: args.maxSessionDuration,
    }));
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn, previewDocument: this.previewDocument });
  }
}
