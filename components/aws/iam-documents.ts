/**
 * IAM documents as data: trust policies for GitHub's OIDC tokens, the build, deploy and server
 * permissions, and the registry's resource policy. Pure functions of the release policy, the
 * names in `names.ts` and an {@link AwsScope}; components serialize them with
 * `pulumi.jsonStringify`.
 *
 * Rules every document keeps (the policy pack checks them too): no `*` action; `*` resource only
 * for actions that AWS cannot scope to a resource (each such statement says so in its Sid).
 */
import {
  buildSubjects,
  deploySubjects,
  OIDC_AUDIENCE,
  OIDC_ISSUER_HOST,
  type ReleasePolicy,
  type RepositoryRef,
} from "../release";
import {
  accountRootArn,
  awsManagedPolicyArn,
  instanceArn,
  logGroupArn,
  parameterArn,
  repositoryArn,
  roleArn,
  runShellScriptDocumentArn,
  serverRolePath,
  type AwsScope,
} from "./arns";

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?:
    | "*"
    | { readonly AWS?: string | string[]; readonly Federated?: string; readonly Service?: string | string[] };
  readonly Action: string[];
  readonly Resource?: string | string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

// ---------------------------------------------------------------------------------------------
// Action sets.

/** What `docker pull` needs from a repository. */
export const ECR_PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

/** What `docker push` needs from a repository (the build checks for an existing tag first). */
export const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:CompleteLayerUpload",
  "ecr:DescribeImages",
  "ecr:GetDownloadUrlForLayer",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];

/**
 * Promotion re-tags an existing digest through the API (BatchGetImage the manifest, PutImage it
 * under the new tag): no layer upload, no docker login.
 */
export const ECR_PROMOTE_ACTIONS = [
  "ecr:BatchGetImage",
  "ecr:DescribeImages",
  "ecr:ListImages",
  "ecr:PutImage",
];

/** Registry login: AWS offers no resource-level permission for it, so its Resource is `*`. */
export const ECR_LOGIN_ACTION = "ecr:GetAuthorizationToken";

/** Registry login: GetAuthorizationToken has no resource-level permissions, so `*` is the only value AWS accepts. */
const REGISTRY_LOGIN: PolicyStatement = {
  Sid: "RegistryLoginHasNoResourceScope",
  Effect: "Allow",
  Action: [ECR_LOGIN_ACTION],
  Resource: "*",
};

/** SSM Run Command results: no resource-level permissions exist for these two reads. */
export const SSM_COMMAND_READ_ACTIONS = ["ssm:GetCommandInvocation", "ssm:ListCommandInvocations"];

/** The managed policy that lets SSM Session Manager and Run Command reach an instance. */
export const SSM_CORE_POLICY = "AmazonSSMManagedInstanceCore";

// ---------------------------------------------------------------------------------------------
// Trust policies.

export interface OidcTrustArgs {
  /** ARN of the account's GitHub OIDC provider. */
  readonly providerArn: string;
  /** Exact `sub` values allowed (no wildcards). */
  readonly subjects: readonly string[];
}

/** Federated trust for GitHub's OIDC tokens: exact subjects and audience, StringEquals only. */
export function githubOidcTrustPolicy(args: OidcTrustArgs): PolicyDocument {
  const bad = args.subjects.filter((s) => s.includes("*") || s.includes("?") || s.endsWith(":pull_request"));
  if (args.subjects.length === 0 || bad.length > 0) {
    throw new Error(
      `OIDC trust needs exact subjects without wildcards or pull_request; got ${JSON.stringify(args.subjects)}`,
    );
  }
  return document({
    Sid: "GithubActionsOidc",
    Effect: "Allow",
    Principal: { Federated: args.providerArn },
    Action: ["sts:AssumeRoleWithWebIdentity"],
    Condition: {
      StringEquals: {
        [`${OIDC_ISSUER_HOST}:aud`]: OIDC_AUDIENCE,
        [`${OIDC_ISSUER_HOST}:sub`]: [...args.subjects],
      },
    },
  });
}

/** The deploy role of `environment`: jobs that name that GitHub environment, in the team's repos. */
export function deployTrustPolicy(
  policy: ReleasePolicy,
  environment: string,
  repos: readonly RepositoryRef[],
  providerArn: string,
): PolicyDocument {
  return githubOidcTrustPolicy({ providerArn, subjects: deploySubjects(policy, environment, repos) });
}

/** The build role: pushes to the building branches of the team's repos; never pull requests. */
export function buildTrustPolicy(
  policy: ReleasePolicy,
  repos: readonly RepositoryRef[],
  providerArn: string,
): PolicyDocument {
  return githubOidcTrustPolicy({ providerArn, subjects: buildSubjects(policy, repos) });
}

/** EC2 may assume the server role (instance profile). */
export function ec2TrustPolicy(): PolicyDocument {
  return document({
    Effect: "Allow",
    Principal: { Service: "ec2.amazonaws.com" },
    Action: ["sts:AssumeRole"],
  });
}

// ---------------------------------------------------------------------------------------------
// Permission policies.

export interface RegistryScope extends AwsScope {
  /** ECR repository names of the team (`<team>/<service>`). */
  readonly repositories: readonly string[];
}

/** Build role: push to exactly the team's repositories. */
export function buildPermissions(s: RegistryScope): PolicyDocument {
  return document(
    {
      Sid: "PushTeamImages",
      Effect: "Allow",
      Action: ECR_PUSH_ACTIONS,
      Resource: s.repositories.map((r) => repositoryArn(s, r)),
    },
    REGISTRY_LOGIN,
  );
}

export interface DeployScope extends RegistryScope {
  /** Release parameter names of this environment. */
  readonly releaseParameters: readonly string[];
  /** Instance ids of this environment's servers. */
  readonly instanceIds: readonly string[];
}

/**
 * Read and write one environment's release parameters: CI sets them on deploy, the server's
 * agent writes them back on rollback or after a failed release.
 */
function releaseParameterAccess(
  s: AwsScope & { readonly releaseParameters: readonly string[] },
): PolicyStatement {
  return {
    Sid: "ReleaseParameters",
    Effect: "Allow",
    Action: ["ssm:GetParameter", "ssm:PutParameter"],
    Resource: s.releaseParameters.map((p) => parameterArn(s, p)),
  };
}

/** Deploy role of one environment: its release parameters, its servers, the team's images. */
export function deployPermissions(s: DeployScope): PolicyDocument {
  return document(
    releaseParameterAccess(s),
    {
      // SendCommand is authorized on both the target instances and the document.
      Sid: "RunDeployAgentOnServers",
      Effect: "Allow",
      Action: ["ssm:SendCommand"],
      Resource: [...s.instanceIds.map((id) => instanceArn(s, id)), runShellScriptDocumentArn(s)],
    },
    {
      // Command results have no resource-level permissions: `*` is the only value AWS accepts.
      Sid: "ReadCommandResultsHasNoResourceScope",
      Effect: "Allow",
      Action: SSM_COMMAND_READ_ACTIONS,
      Resource: "*",
    },
    {
      Sid: "ReadAndPromoteTeamImages",
      Effect: "Allow",
      Action: ECR_PROMOTE_ACTIONS,
      Resource: s.repositories.map((r) => repositoryArn(s, r)),
    },
  );
}

export interface ServerScope extends RegistryScope {
  readonly releaseParameters: readonly string[];
  readonly logGroup: string;
}

/**
 * A server's own permissions (SSM core access is the managed policy, attached separately):
 * pull the team's images, read its environment's release parameters (and write them back on
 * `deploy-agent rollback`), write its log group.
 */
export function serverPermissions(s: ServerScope): PolicyDocument {
  const group = logGroupArn(s, s.logGroup);
  return document(
    {
      Sid: "PullTeamImages",
      Effect: "Allow",
      Action: ECR_PULL_ACTIONS,
      Resource: s.repositories.map((r) => repositoryArn(s, r)),
    },
    REGISTRY_LOGIN,
    releaseParameterAccess(s),
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      Resource: [group, `${group}:log-stream:*`],
    },
  );
}

/** ARN of the managed SSM core policy in the provider's partition. */
export function ssmCorePolicyArn(partition: string): string {
  return awsManagedPolicyArn(partition, SSM_CORE_POLICY);
}

// ---------------------------------------------------------------------------------------------
// Registry resource policy.

export interface RepositoryPolicyArgs {
  readonly partition: string;
  readonly accountId: string;
  readonly team: string;
}

/**
 * Who may pull from a team repository: the team's environment servers, and nothing else is
 * granted. Their roles live in environment stacks created later, so they are named by IAM path
 * (an ARN pattern on `aws:PrincipalArn`) instead of by ARN — ECR refuses a policy naming a role
 * that does not exist yet.
 *
 * No Deny for everyone else: it would also lock out the operator whose `pulumi up` pushes the
 * bootstrap image and whoever investigates an incident; same-account identity policies stay the
 * account owner's decision.
 */
export function repositoryPolicy(a: RepositoryPolicyArgs): PolicyDocument {
  return document({
    Sid: "EnvironmentServersPull",
    Effect: "Allow",
    Principal: { AWS: accountRootArn(a) },
    Action: ECR_PULL_ACTIONS,
    Condition: { ArnLike: { "aws:PrincipalArn": roleArn(a, `${serverRolePath(a.team)}*`) } },
  });
}
