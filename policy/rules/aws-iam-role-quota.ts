/**
 * aws-iam-role-quota — the team's IAM roles against an account's role quota. One door per
 * repository and environment means roles grow with services × environments: a build role and a
 * preview role per repository, a deploy role per repository and environment, a server role per
 * server environment. IAM refuses CreateRole past the account's quota (`LimitExceeded`): 1,000 by
 * default, adjustable through Service Quotas up to 5,000 ("IAM object quotas", Roles in an AWS
 * account: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 *
 * Judged on the spec in every stack (the roles live in several stacks; any one `up` can be the one
 * that crosses). The plan cannot know whether the account's quota was raised (facts.yaml records no
 * quotas) nor how many roles the account already has, so past the default this is advisory and
 * names the increase to request before `pulumi up`. The spec cannot reach the 5,000 maximum (500
 * services × (1 build + 3 environments + 1 preview) + 3 servers = 2,503: environment roles are
 * unique).
 */
import type { TeamSpec } from "../../components/team";
import type { StackRule } from "../types";
import { stackUrn } from "./preflight";

export const IAM_ROLES_DEFAULT_QUOTA = 1000;

/** The IAM roles every stack of the team creates together. */
export function teamRoleCount(spec: TeamSpec): number {
  const services = spec.services.length;
  const previews = spec.previews.enabled ? services : 0;
  const servers = spec.environments.filter((e) => (e.runtime ?? "server") === "server").length;
  return services * (1 + spec.environments.length) + previews + servers;
}

export const awsIamRoleQuota: StackRule = {
  kind: "stack",
  id: "aws-iam-role-quota",
  description: "The team's IAM roles fit an account's default role quota (1,000), or the increase is named.",
  mirrors: "AWS IAM quota (Roles per account)",
  level: "advisory",
  check(resources, ctx) {
    const urn = stackUrn(resources);
    if (!urn || !ctx.spec) return [];
    const spec = ctx.spec;
    const roles = teamRoleCount(spec);
    if (roles <= IAM_ROLES_DEFAULT_QUOTA) return [];
    const n = (x: number) => x.toLocaleString("en-US");
    return [
      {
        urn,
        message: `the team's stacks create ${n(roles)} IAM roles (team.services: ${spec.services.length} services × (a build role + a deploy role in each of ${spec.environments.length} environments${spec.previews.enabled ? " + a preview role" : ""}), plus a server role per server environment); an account's default quota is ${n(IAM_ROLES_DEFAULT_QUOTA)} roles, counting those it already has: request "Roles per account" of at least ${n(roles)} in Service Quotas before pulumi up`,
      },
    ];
  },
};
