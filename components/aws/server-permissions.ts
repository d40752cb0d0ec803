/**
 * The server role's own permissions (SSM core access is the managed policy, attached separately).
 * Kept beside the runtime that needs them; the IAM documents of the CI roles live in iam-documents.ts.
 *
 * What a server may do: pull its team's images, READ its environment's release parameters (never
 * write them: CI writes a release parameter after every server reported success, so a compromised
 * or confused server cannot change what the environment runs), read its services' configuration
 * (SecureString values under the AWS managed key `aws/ssm`, whose key policy admits the account's
 * principals through SSM: no kms statement is needed), and write its own log group.
 */
import { logGroupArn, parameterArn, repositoryArn, type AwsScope } from "./arns";
import { ECR_LOGIN_ACTION, ECR_PULL_ACTIONS, type PolicyDocument } from "./iam-documents";

export interface ServerRuntimeScope extends AwsScope {
  /** ECR repository names the server pulls from. */
  readonly repositories: readonly string[];
  /** Release parameter names of the environment's services. */
  readonly releaseParameters: readonly string[];
  /** SSM paths of the services' configuration (`…/config`, no trailing slash). */
  readonly configPaths: readonly string[];
  readonly logGroup: string;
}

export function serverRuntimePermissions(s: ServerRuntimeScope): PolicyDocument {
  const group = logGroupArn(s, s.logGroup);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PullTeamImages",
        Effect: "Allow",
        Action: ECR_PULL_ACTIONS,
        Resource: s.repositories.map((r) => repositoryArn(s, r)),
      },
      {
        Sid: "RegistryLoginHasNoResourceScope",
        Effect: "Allow",
        Action: [ECR_LOGIN_ACTION],
        Resource: "*",
      },
      {
        Sid: "ReadReleaseParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter"],
        Resource: s.releaseParameters.map((p) => parameterArn(s, p)),
      },
      ...(s.configPaths.length > 0
        ? [
            {
              // GetParametersByPath is authorized on the path itself; access to a path reaches
              // every level below it (SSM User Guide, "Restricting access to Systems Manager
              // parameters using IAM policies").
              Sid: "ReadServiceConfiguration",
              Effect: "Allow" as const,
              Action: ["ssm:GetParametersByPath"],
              Resource: s.configPaths.map((p) => parameterArn(s, p)),
            },
          ]
        : []),
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [group, `${group}:log-stream:*`],
      },
    ],
  };
}
