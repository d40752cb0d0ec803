/**
 * iam-deploy-role-one-environment — a deploy role that several environments (or plain branch
 * pushes) can assume lets a staging job deploy to production. GitHub puts the environment in the
 * OIDC subject (`repo:OWNER/REPO:environment:NAME`), so the trust names exactly one, with
 * StringEquals (one repository per role is iam-oidc-trust's check). Mirrors GitHub's OIDC
 * hardening guide (environment-scoped subjects); no checkov id. Mandatory.
 */
import { PREVIEW_ENVIRONMENT } from "../../components/release";
import { resolvePreviews } from "../../components/team";
import type { ResourceRule } from "../types";
import { T, isUnknown } from "./util";
import { conditionValues, githubTrustStatements, SUB_KEY } from "./iam-oidc-trust";

const ENV_SUBJECT = /:environment:(.+)$/;

export const iamDeployRoleOneEnvironment: ResourceRule = {
  kind: "resource",
  id: "iam-deploy-role-one-environment",
  description:
    "A role trusting GitHub environment subjects trusts exactly one environment, with StringEquals.",
  mirrors: "GitHub OIDC hardening guide: environment subjects (no checkov id)",
  level: "mandatory",
  types: [T.role],
  check(r, ctx) {
    const conditions = githubTrustStatements(r.inputs.assumeRolePolicy).flatMap((s) =>
      conditionValues(s, SUB_KEY),
    );
    const values = conditions.flatMap((c) => c.values).filter((v) => !isUnknown(v));
    const environments = new Set(
      values.map((v) => ENV_SUBJECT.exec(v)?.[1]).filter((e): e is string => e !== undefined),
    );
    if (environments.size === 0) return [];
    const out: string[] = [];
    if (environments.size > 1)
      out.push(
        `trusts ${environments.size} environments (${[...environments].join(", ")}); a deploy role trusts one`,
      );
    const others = values.filter((v) => !ENV_SUBJECT.test(v));
    if (others.length > 0)
      out.push(`mixes environment subjects with ${others.map((v) => `"${v}"`).join(", ")}`);
    const loose = conditions.filter((c) => !c.operator.startsWith("StringEquals")).map((c) => c.operator);
    if (loose.length > 0)
      out.push(`tests the environment subject with ${[...new Set(loose)].join(", ")}; use StringEquals`);
    // The preview roles (one environment, `preview`) live in the stack that hosts previews.
    const hostsPreviews =
      ctx.spec !== undefined && resolvePreviews(ctx.spec)?.environment === ctx.environment;
    const onlyPreview = environments.size === 1 && environments.has(PREVIEW_ENVIRONMENT);
    if (ctx.environment && !environments.has(ctx.environment) && !(onlyPreview && hostsPreviews)) {
      out.push(
        `trusts environment ${[...environments].join(", ")} but this stack provisions "${ctx.environment}"`,
      );
    }
    return out;
  },
};
