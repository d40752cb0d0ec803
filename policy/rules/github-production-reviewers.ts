/**
 * github-production-reviewers — a production deployment waits for a named person (or team) who
 * did not trigger it. Mirrors OpenSSF Scorecard's Code-Review intent for releases and GitHub's
 * deployment-protection guidance (no checkov id). Mandatory. A GitHub environment is production
 * when the release policy deploys it with role `production` (without the policy: named
 * `production` or `prod`).
 */
import type { ResourceRule, RuleContext } from "../types";
import { arr, isUnknown, obj, str, T } from "./util";

export function productionEnvironments(ctx: RuleContext): string[] {
  return ctx.policy
    ? ctx.policy.deployments.filter((d) => d.role === "production").map((d) => d.environment)
    : ["production", "prod"];
}

export const githubProductionReviewers: ResourceRule = {
  kind: "resource",
  id: "github-production-reviewers",
  description: "The production GitHub environment names required reviewers and prevents self-review.",
  mirrors: "GitHub deployment protection rules (no checkov id)",
  level: "mandatory",
  types: [T.ghEnvironment],
  check(r, ctx) {
    const name = str(r.inputs.environment);
    if (!name || !productionEnvironments(ctx).includes(name)) return [];
    const out: string[] = [];
    const reviewers = r.inputs.reviewers;
    const named =
      isUnknown(reviewers) ||
      arr(reviewers).some((x) => {
        const o = obj(x);
        return isUnknown(o?.users) || isUnknown(o?.teams) || arr(o?.users).length + arr(o?.teams).length > 0;
      });
    if (!named) out.push(`environment "${name}" has no required reviewers`);
    const self = r.inputs.preventSelfReview;
    if (self !== true && !isUnknown(self))
      out.push(
        `environment "${name}" lets the person who triggered a deployment approve it (preventSelfReview)`,
      );
    return out;
  },
};
