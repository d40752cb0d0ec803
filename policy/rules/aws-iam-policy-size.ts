/**
 * aws-iam-policy-size — IAM refuses a role whose trust policy or inline policies are too long.
 * IAM and STS quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html,
 * read through the search tool): "Role trust policy length: 2,048 characters" (default;
 * adjustable up to 8,192 through Service Quotas) and "Role policy size cannot exceed 10,240
 * characters" for the aggregate of all inline policies of a role; "IAM doesn't count white space
 * when calculating the size of a policy against these quotas" (GetAccountSummary names them
 * `AssumeRolePolicySizeQuota` and `RolePolicySizeQuota`, "in non-whitespace characters").
 * So both are counted here without white space. Managed policies (6,144) are a separate quota.
 *
 * Generic over every `aws.iam.Role` (`assumeRolePolicy`, `inlinePolicies`) and every
 * `aws.iam.RolePolicy`, joined to its role by the policy pack's property dependencies, an
 * explicit role `name`, or the auto-name `<logical name>-<7 hex>` the plan resolves. Mandatory:
 * `CreateRole`/`PutRolePolicy` answer `LimitExceeded` and the `up` stops half-way.
 */
import type { CheckedResource, Finding, StackRule } from "../types";
import { n, nonWhitespaceLength, servicesKey } from "./preflight";
import { arr, obj, ofType, str, T } from "./util";

export const TRUST_POLICY_LIMIT = 2048;
export const ROLE_INLINE_POLICIES_LIMIT = 10240;

function text(doc: unknown): string | undefined {
  if (typeof doc === "string") return doc === "[unknown]" ? undefined : doc;
  if (doc && typeof doc === "object") return JSON.stringify(doc);
  return undefined;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Does `rolePolicy` attach to `role`? */
function attaches(rolePolicy: CheckedResource, role: CheckedResource): boolean {
  if (rolePolicy.propertyDependencies?.role?.includes(role.urn)) return true;
  const target = str(rolePolicy.inputs.role);
  if (!target) return false;
  const name = str(role.inputs.name);
  if (name !== undefined) return target === name;
  const prefix = str(role.inputs.namePrefix);
  if (prefix !== undefined) return target.startsWith(prefix);
  return new RegExp(`^${escapeRegex(role.name)}-[0-9a-f]{7}$`).test(target);
}

export const awsIamPolicySize: StackRule = {
  kind: "stack",
  id: "aws-iam-policy-size",
  description:
    "A role's trust policy is at most 2,048 and its inline policies together at most 10,240 characters (IAM quotas, white space not counted).",
  mirrors: "AWS IAM quotas (preflight)",
  level: "mandatory",
  check(resources, ctx) {
    const findings: Finding[] = [];
    const roles = ofType(resources, T.role);
    const rolePolicies = ofType(resources, T.rolePolicy);
    const claimed = new Set<string>();
    const grows = `It grows with ${servicesKey(ctx)}: each repository adds its subjects and resources`;
    for (const role of roles) {
      const trust = text(role.inputs.assumeRolePolicy);
      if (trust !== undefined) {
        const size = nonWhitespaceLength(trust);
        if (size > TRUST_POLICY_LIMIT)
          findings.push({
            urn: role.urn,
            message:
              `role ${role.name}: trust policy is ${n(size)} characters without white space; IAM's default quota is ` +
              `${n(TRUST_POLICY_LIMIT)} (Service Quotas can raise it to 8,192). ${grows}; split the role (one per repository)`,
          });
      }
      let total = 0;
      const parts: string[] = [];
      arr(role.inputs.inlinePolicies).forEach((p, i) => {
        const doc = text(obj(p)?.policy);
        if (doc === undefined) return;
        total += nonWhitespaceLength(doc);
        parts.push(`inlinePolicies[${i}]`);
      });
      for (const rp of rolePolicies) {
        if (!attaches(rp, role)) continue;
        claimed.add(rp.urn);
        const doc = text(rp.inputs.policy);
        if (doc === undefined) continue;
        total += nonWhitespaceLength(doc);
        parts.push(rp.name);
      }
      if (total > ROLE_INLINE_POLICIES_LIMIT)
        findings.push({
          urn: role.urn,
          message:
            `role ${role.name}: its inline policies (${parts.join(", ")}) total ${n(total)} characters without white space; ` +
            `IAM allows ${n(ROLE_INLINE_POLICIES_LIMIT)} per role (not adjustable). ${grows}; split the role or move statements to managed policies`,
        });
    }
    // Role policies whose role is not in this stack: judged on their own.
    const byTarget = new Map<string, CheckedResource[]>();
    for (const rp of rolePolicies) {
      if (claimed.has(rp.urn)) continue;
      const key = str(rp.inputs.role) ?? rp.urn;
      byTarget.set(key, [...(byTarget.get(key) ?? []), rp]);
    }
    for (const list of byTarget.values()) {
      const target = str(list[0].inputs.role) ?? "(not known yet)";
      const total = list.reduce((sum, rp) => sum + nonWhitespaceLength(text(rp.inputs.policy) ?? ""), 0);
      if (total > ROLE_INLINE_POLICIES_LIMIT)
        findings.push({
          urn: list[0].urn,
          message:
            `role ${target}: its inline policies (${list.map((rp) => rp.name).join(", ")}) total ${n(total)} characters ` +
            `without white space; IAM allows ${n(ROLE_INLINE_POLICIES_LIMIT)} per role. ${grows}`,
        });
    }
    return findings;
  },
};
