/**
 * ARNs built from the partition, region and account the provider reports (never a literal
 * `arn:aws:`): the same program works in aws-cn and aws-us-gov.
 */
import { OIDC_ISSUER_HOST } from "../release";

/** Where the resources live, as the provider reports it. */
export interface AwsScope {
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function repositoryArn(s: AwsScope, repository: string): string {
  return `arn:${s.partition}:ecr:${s.region}:${s.accountId}:repository/${repository}`;
}

/** `name` starts with `/` (SSM hierarchy), which the ARN does not repeat. */
export function parameterArn(s: AwsScope, name: string): string {
  return `arn:${s.partition}:ssm:${s.region}:${s.accountId}:parameter${name.startsWith("/") ? name : `/${name}`}`;
}

export function instanceArn(s: AwsScope, instanceId: string): string {
  return `arn:${s.partition}:ec2:${s.region}:${s.accountId}:instance/${instanceId}`;
}

/** An SSM document the account owns (the per-service deploy and preview documents). */
export function documentArn(s: AwsScope, documentName: string): string {
  return `arn:${s.partition}:ssm:${s.region}:${s.accountId}:document/${documentName}`;
}

export function logGroupArn(s: AwsScope, logGroup: string): string {
  return `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${logGroup}`;
}

export function roleArn(s: Pick<AwsScope, "partition" | "accountId">, pathAndName: string): string {
  return `arn:${s.partition}:iam::${s.accountId}:role${pathAndName.startsWith("/") ? pathAndName : `/${pathAndName}`}`;
}

export function accountRootArn(s: Pick<AwsScope, "partition" | "accountId">): string {
  return `arn:${s.partition}:iam::${s.accountId}:root`;
}

export function awsManagedPolicyArn(partition: string, policyName: string): string {
  return `arn:${partition}:iam::aws:policy/${policyName}`;
}

/** The GitHub OIDC provider's ARN in an account (one per account). */
export function githubOidcProviderArn(s: Pick<AwsScope, "partition" | "accountId">): string {
  return `arn:${s.partition}:iam::${s.accountId}:oidc-provider/${OIDC_ISSUER_HOST}`;
}

/**
 * IAM paths group a team's roles so resource policies can name "every server role of this team"
 * before those roles exist (environment stacks create them after the shared stack).
 */
export function serverRolePath(team: string): string {
  return `/delivery/${team}/server/`;
}
export function deployRolePath(team: string): string {
  return `/delivery/${team}/deploy/`;
}
export function buildRolePath(team: string): string {
  return `/delivery/${team}/build/`;
}
export function previewRolePath(team: string): string {
  return `/delivery/${team}/preview/`;
}
