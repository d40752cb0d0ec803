/**
 * IAM documents as data: trust policies for GitHub's OIDC tokens, the build, deploy and server
 * permissions, and the registry's resource policy. Pure functions of the release policy, the
 * names in `names.ts` and an {@link AwsScope}; components serialize them with
 * `pulumi.jsonStringify`.
 *
 * One door per repository and environment: every CI role trusts exactly one OIDC subject (a
 * build role: its repository's building branch) and reaches one service's registry, release
 * parameter and document, so a job of one repository can never push, promote or deploy
 * another's. Per-repository documents also keep far within IAM's size limits (trust policy 2,048
 * characters, a role's inline policies 10,240) however many services a team has.
 *
 * Rules every document keeps (the policy pack checks them too): no `*` action; `*` resource only
 * for actions that AWS cannot scope to a resource (each such statement says so in its Sid).
 */
import {
  buildSubjects,
  deploySubjects,
  environmentSubject,
  OIDC_AUDIENCE,
  OIDC_ISSUER_HOST,
  PREVIEW_ENVIRONMENT,
  type ReleasePolicy,
  type RepositoryRef,
} from "../release";
import { environmentParameterPath } from "./names";
import {
  accountRootArn,
  awsManagedPolicyArn,
  documentArn,
  instanceArn,
  logGroupArn,
  parameterArn,
  repositoryArn,
  roleArn,
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

/**
 * The deploy role of one repository in one environment: jobs of that repository that name that
 * GitHub environment, and nothing else (one subject: `repo:OWNER/REPO:environment:NAME`).
 */
export function deployTrustPolicy(
  policy: ReleasePolicy,
  environment: string,
  repo: RepositoryRef,
  providerArn: string,
): PolicyDocument {
  // The preview environment admits pull-request refs: a deploy role trusting it would open an
  // environment's door to any branch of the repository.
  if (environment === PREVIEW_ENVIRONMENT) {
    throw new Error(
      `team.environments: "${PREVIEW_ENVIRONMENT}" is the pull-request preview environment and cannot be deployed to`,
    );
  }
  return githubOidcTrustPolicy({ providerArn, subjects: deploySubjects(policy, environment, [repo]) });
}

/**
 * The build role of one repository: pushes to the branches the policy builds from, in that
 * repository only; never pull requests, never another repository.
 */
export function buildTrustPolicy(
  policy: ReleasePolicy,
  repo: RepositoryRef,
  providerArn: string,
): PolicyDocument {
  return githubOidcTrustPolicy({ providerArn, subjects: buildSubjects(policy, [repo]) });
}

/**
 * The preview role of one repository: jobs of that repository that name its `preview` GitHub
 * environment (whose deployment policy admits pull-request refs of the repository's own branches;
 * a fork's pull request gets no OIDC token for it).
 */
export function previewTrustPolicy(repo: RepositoryRef, providerArn: string): PolicyDocument {
  return githubOidcTrustPolicy({ providerArn, subjects: [environmentSubject(repo, PREVIEW_ENVIRONMENT)] });
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

export interface RepositoryScope extends AwsScope {
  /** The service's ECR repository name (`<team>/<service>`): the only registry the role reaches. */
  readonly repository: string;
}

/** Build role of one repository: push to exactly that service's registry. */
export function buildPermissions(s: RepositoryScope): PolicyDocument {
  return document(
    {
      Sid: "PushOwnImages",
      Effect: "Allow",
      Action: ECR_PUSH_ACTIONS,
      Resource: repositoryArn(s, s.repository),
    },
    REGISTRY_LOGIN,
  );
}

export interface DeployScope extends RepositoryScope {
  /** The service's release parameter in this environment. */
  readonly releaseParameter: string;
  /** The service's deploy document in this environment (`deployDocumentName` in names.ts). */
  readonly deployDocument: string;
  /** Instance ids of this environment's servers: the only targets of the deploy document. */
  readonly instanceIds: readonly string[];
}

/** Command results have no resource-level permissions: `*` is the only value AWS accepts. */
const READ_COMMAND_RESULTS: PolicyStatement = {
  Sid: "ReadCommandResultsHasNoResourceScope",
  Effect: "Allow",
  Action: SSM_COMMAND_READ_ACTIONS,
  Resource: "*",
};

/**
 * `ssm:SendCommand` is authorized once per resource of the request: the document and each target
 * instance (Service Authorization Reference, Systems Manager: SendCommand needs `document`, and
 * `instance` for instance targets). Listing exactly one document and the environment's instances
 * means the role can run nothing else, and that document nowhere else.
 */
function sendDocument(
  sid: string,
  s: AwsScope,
  documentName: string,
  instanceIds: readonly string[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["ssm:SendCommand"],
    Resource: [documentArn(s, documentName), ...instanceIds.map((id) => instanceArn(s, id))],
  };
}

/**
 * Deploy role of one repository in one environment: read and re-tag (promote, mark as released)
 * that service's images, read and write that service's release parameter in this environment
 * (CI writes it after the agent reported success), and run that service's deploy document on
 * this environment's servers.
 */
export function deployPermissions(s: DeployScope): PolicyDocument {
  return document(
    {
      Sid: "ReleaseParameter",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:PutParameter"],
      Resource: parameterArn(s, s.releaseParameter),
    },
    sendDocument("RunDeployDocumentOnServers", s, s.deployDocument, s.instanceIds),
    READ_COMMAND_RESULTS,
    {
      Sid: "ReadAndPromoteOwnImages",
      Effect: "Allow",
      Action: union(ECR_PULL_ACTIONS, ECR_PROMOTE_ACTIONS),
      Resource: repositoryArn(s, s.repository),
    },
    REGISTRY_LOGIN,
  );
}

export interface PreviewScope extends RepositoryScope {
  /** The service's preview document (`previewDocumentName` in names.ts). */
  readonly previewDocument: string;
  /** Instance ids of the servers that host previews (integration's, by default). */
  readonly instanceIds: readonly string[];
  /**
   * Servers stopped while no preview is open (previews' own server): the role may start and
   * stop exactly these, and read instance and SSM agent state to wait for them.
   * @default none - the role cannot start or stop any instance
   */
  readonly startStopInstanceIds?: readonly string[];
}

/** What preview.yml needs to start and stop previews' own server and wait for it. */
export const PREVIEW_SERVER_STATE_ACTIONS = ["ec2:StartInstances", "ec2:StopInstances"];
/** Read-only: `aws ec2 wait instance-running|instance-stopped` and the SSM agent's ping status. */
export const PREVIEW_SERVER_READ_ACTIONS = ["ec2:DescribeInstances", "ssm:DescribeInstanceInformation"];

/**
 * Start and stop only the named instances. Service Authorization Reference, Amazon EC2:
 * StartInstances and StopInstances are authorized on the `instance` resource (ARN
 * `arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}`; condition keys
 * aws:ResourceTag/ec2:ResourceTag also apply), so the instance ARN alone confines them.
 * DescribeInstances (EC2) and DescribeInstanceInformation (Systems Manager) support no
 * resource-level permissions: `*`, and they only read. The root volume is encrypted with the
 * AWS managed key aws/ebs, whose key policy lets any principal of the account use it through
 * EC2, so starting needs no KMS grant here (a customer managed key would).
 */
function startStopServers(s: AwsScope, instanceIds: readonly string[]): PolicyStatement[] {
  if (instanceIds.length === 0) return [];
  return [
    {
      Sid: "StartAndStopPreviewServer",
      Effect: "Allow",
      Action: PREVIEW_SERVER_STATE_ACTIONS,
      Resource: instanceIds.map((id) => instanceArn(s, id)),
    },
    {
      Sid: "ReadServerStateHasNoResourceScope",
      Effect: "Allow",
      Action: PREVIEW_SERVER_READ_ACTIONS,
      Resource: "*",
    },
  ];
}

/**
 * Preview role of one repository: run that service's preview document (deploy and remove
 * `pr-<n>`) on the preview servers, and build and push that service's image (the preview job
 * builds `sha-<commit>` of the pull request's head and deploys it by digest). No release
 * parameter, no other document, no other repository: a preview cannot change what any
 * environment runs.
 *
 * Push is on the service's own repository only. Its tags are IMMUTABLE (ContainerRegistry), so a
 * pull request cannot overwrite a `sha-` image a release already uses: ECR refuses a PutImage
 * whose tag exists with ImageTagAlreadyExistsException.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
 */
export function previewPermissions(s: PreviewScope): PolicyDocument {
  return document(
    sendDocument("RunPreviewDocumentOnServers", s, s.previewDocument, s.instanceIds),
    READ_COMMAND_RESULTS,
    ...startStopServers(s, s.startStopInstanceIds ?? []),
    {
      Sid: "PushOwnImages",
      Effect: "Allow",
      Action: union(ECR_PUSH_ACTIONS, ["ecr:DescribeImages"]),
      Resource: repositoryArn(s, s.repository),
    },
    REGISTRY_LOGIN,
  );
}

function union(...lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

export interface ServerScope extends AwsScope {
  readonly team: string;
  /** The server's environment: it reads that environment's parameters only. */
  readonly environment: string;
  readonly logGroup: string;
}

/**
 * A server's own permissions (SSM core access is the managed policy, attached separately): pull
 * the team's images, **read** its environment's parameters, write its log group. It can never
 * write a release parameter: only the deploy path (CI, after the agent reported success) does, so
 * a compromised host or container cannot name what the environment runs.
 *
 * Scoped by name prefix (`repository/<team>/*`, `parameter/delivery/<team>/<environment>/*`)
 * rather than by listing each service: the server runs every service of the team, and a list
 * passes IAM's 10,240-character limit for a role's inline policies at about 80 services. The
 * trailing `/` keeps `checkout/` from matching `checkout-eu/`, and `staging/` from `staging-eu/`.
 */
export function serverPermissions(s: ServerScope): PolicyDocument {
  const group = logGroupArn(s, s.logGroup);
  const parameters = parameterArn(s, environmentParameterPath(s.team, s.environment));
  return document(
    {
      Sid: "PullTeamImages",
      Effect: "Allow",
      Action: ECR_PULL_ACTIONS,
      Resource: repositoryArn(s, `${s.team}/*`),
    },
    REGISTRY_LOGIN,
    {
      // GetParametersByPath is authorized on the path itself, the others on each parameter.
      Sid: "ReadEnvironmentParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
      Resource: [parameters, `${parameters}/*`],
    },
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

/**
 * Preview role of one repository when previews run on Kubernetes: build and push that service's
 * image, nothing else in AWS. The cluster is reached with `aws eks get-token`, which presigns
 * sts:GetCallerIdentity locally and needs no IAM permission; what the role may do in the cluster
 * is the EKS access entry's group, bound by RBAC to the previews namespace only.
 * https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html
 */
export function clusterPreviewPermissions(s: RepositoryScope): PolicyDocument {
  return document(
    {
      Sid: "PushOwnImages",
      Effect: "Allow",
      Action: union(ECR_PUSH_ACTIONS, ["ecr:DescribeImages"]),
      Resource: repositoryArn(s, s.repository),
    },
    REGISTRY_LOGIN,
  );
}
