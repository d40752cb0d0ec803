import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "./iam-documents";

/** What makes one of CI's roles: who may assume it and what it may do. */
export interface CiRoleParts {
  /** The role's name: explicit and at most 64 characters (an auto-name's suffix could pass IAM's limit). */
  readonly roleName: string;
  /** The role's IAM path (one per kind of role, so policies can name a kind: `arns.ts`). */
  readonly path: string;
  readonly description: string;
  /** The GitHub OIDC trust policy, from the provider's ARN. */
  readonly trustPolicy: pulumi.Input<PolicyDocument>;
  /** The suffix of the inline policy's logical name (`${name}-${policyName}`). */
  readonly policyName: string;
  /** The role's only permissions, as one inline policy. */
  readonly permissions: pulumi.Input<PolicyDocument>;
  /** @default 3600 - one hour */
  readonly maxSessionDuration?: number;
}

/**
 * The role and inline policy of one of CI's GitHub OIDC roles (build, deploy, preview), created as
 * children of `parent` under `${name}-role` and `${name}-${policyName}`: the logical names the
 * role components always had, so their URNs do not change.
 */
export function createCiRole(
  parent: pulumi.ComponentResource,
  name: string,
  parts: CiRoleParts,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      name: parts.roleName,
      path: parts.path,
      description: parts.description,
      assumeRolePolicy: pulumi.jsonStringify(parts.trustPolicy),
      maxSessionDuration: parts.maxSessionDuration ?? 3600,
    },
    // A fixed name cannot exist twice: a replacement deletes the old role first. It also matters
    // for an EKS access entry, which is bound to the role's unique id and stops working when the
    // role is recreated, even under the same ARN, so the old one must never linger beside the new
    // (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
    { parent, deleteBeforeReplace: true },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-${parts.policyName}`,
    { role: role.name, policy: pulumi.jsonStringify(parts.permissions) },
    { parent },
  );
  return { role, policy };
}
