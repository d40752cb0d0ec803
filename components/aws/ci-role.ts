import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import type { RepositoryRef } from "../release";
import type { PolicyDocument } from "./iam-documents";
import type { ProviderScope } from "./scope";

/** What every CI role of one service repository is given (build, deploy, preview roles). */
export interface RepositoryRoleArgs {
  readonly team: string;
  /** The service's stable key (its first name): names the role, so a rename keeps it. */
  readonly service: string;
  /** The service's repository on GitHub (owner and current name): the only one trusted. */
  readonly repository: RepositoryRef;
  /** ARN of the GitHub OIDC provider. */
  readonly oidcProviderArn: pulumi.Input<string>;
  /** AWS region of the registry (and, for deploy and preview roles, the servers). */
  readonly region: string;
  /** The service's ECR repository name: the only registry the role may reach. */
  readonly registry: pulumi.Input<string>;
  /**
   * Partition and account of the provider, when the caller already looked them up (a stack with
   * one role per service looks them up once: `invokeScope`).
   * @default looked up through the component's AWS provider
   */
  readonly scope?: pulumi.Input<ProviderScope>;
  /**
   * Maximum session length in seconds.
   * @default 3600 - one hour, enough for a build and push, a deploy and its smoke test, or a preview
   */
  readonly maxSessionDuration?: number;
}

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
