/**
 * github-environment-reviewers-limit — an environment takes at most six required reviewers
 * (users and teams together): "You can list up to six users or teams as reviewers"
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments#required-reviewers,
 * read in github/docs `content/actions/reference/workflows-and-actions/deployments-and-environments.md`).
 * The REST API refuses a seventh with 422. Mandatory.
 */
import type { ResourceRule } from "../types";
import { environmentKey } from "./preflight";
import { arr, obj, str, T } from "./util";

export const MAX_ENVIRONMENT_REVIEWERS = 6;

export const githubEnvironmentReviewersLimit: ResourceRule = {
  kind: "resource",
  id: "github-environment-reviewers-limit",
  description: "A GitHub environment names at most 6 required reviewers (users and teams together).",
  mirrors: "GitHub deployment protection rules (preflight)",
  level: "mandatory",
  types: [T.ghEnvironment],
  check(r, ctx) {
    const count = arr(r.inputs.reviewers).reduce<number>((sum, x) => {
      const o = obj(x);
      return sum + arr(o?.users).length + arr(o?.teams).length;
    }, 0);
    if (count <= MAX_ENVIRONMENT_REVIEWERS) return [];
    const env = environmentKey(ctx);
    const key = env
      ? `${env}.requiredReviewers (production defaults to team.people.maintainers)`
      : "team.environments[].requiredReviewers";
    return [
      `environment ${JSON.stringify(str(r.inputs.environment) ?? "?")} on ${str(r.inputs.repository) ?? "?"} names ${count} reviewers; ` +
        `GitHub allows ${MAX_ENVIRONMENT_REVIEWERS}. Name at most six users or teams in ${key}, e.g. one team`,
    ];
  },
};
