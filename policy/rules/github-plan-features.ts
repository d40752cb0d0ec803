/**
 * github-plan-features — what the organization's GitHub plan (`team.github.plan`) lets GitHub
 * enforce, judged on the rulesets and environments the program registers:
 * - Environments (https://docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments,
 *   read in github/docs): on Free, Pro and Team, required reviewers, wait timers and turning
 *   off the administrators' bypass are available for public repositories only; private
 *   repositories get environments (secrets, variables, deployment branches and tags) from Pro
 *   and Team on, and everything from Enterprise on. On Free, environment secrets exist only in
 *   public repositories.
 * - Rulesets (github/docs `managing-rulesets/about-rulesets.md` and
 *   `data/reusables/gated-features/repo-rules.md`): rulesets on private repositories need Pro,
 *   Team or Enterprise; metadata restrictions (commit message, author/committer email, branch
 *   and tag name patterns) are documented for GitHub Enterprise Cloud; "Push rulesets are
 *   available for the GitHub Team plan in internal and private repositories" (so Team or
 *   Enterprise, and never on a public repository).
 * The visibility of a repository comes from the spec (`team.services[].visibility`, default
 * private) or the stack's `github.Repository`. Mandatory: GitHub refuses (422) or, worse,
 * accepts and does not enforce.
 */
import type { CheckedResource, Finding, RuleContext, StackRule } from "../types";
import { obj, ofType, readRuleset, str, T } from "./util";

const METADATA_RULES = [
  "commitMessagePattern",
  "commitAuthorEmailPattern",
  "committerEmailPattern",
  "branchNamePattern",
  "tagNamePattern",
];

function visibilityOf(repo: string | undefined, resources: readonly CheckedResource[], ctx: RuleContext) {
  if (!repo) return "private";
  const service = ctx.spec?.services.find((s) => s.name === repo || s.formerNames.includes(repo));
  if (service) return service.visibility;
  const resource = ofType(resources, T.ghRepository).find((r) => r.inputs.name === repo);
  return str(resource?.inputs.visibility) ?? "private";
}

export const githubPlanFeatures: StackRule = {
  kind: "stack",
  id: "github-plan-features",
  description:
    "Rulesets and environments use only what team.github.plan offers on the repository's visibility.",
  mirrors: "GitHub plans and features (preflight)",
  level: "mandatory",
  check(resources, ctx) {
    const plan = ctx.spec?.github.plan;
    if (!plan) return [];
    const findings: Finding[] = [];
    const say = (r: CheckedResource, what: string, needs: string) =>
      findings.push({
        urn: r.urn,
        message: `${what} needs ${needs}, but team.github.plan is "${plan}": set team.github.plan to the organization's real plan, or change the spec so the program does not ask for it`,
      });
    for (const r of ofType(resources, T.ghRuleset)) {
      const rs = readRuleset(r);
      const vis = visibilityOf(rs.repository, resources, ctx);
      const name = `ruleset ${JSON.stringify(str(r.inputs.name) ?? r.name)} on ${rs.repository ?? "?"}`;
      if (plan === "free" && vis !== "public")
        say(r, `${name} (a ${vis} repository)`, "GitHub Pro, Team or Enterprise");
      if (plan !== "enterprise") {
        const metadata = METADATA_RULES.filter((k) => obj(rs.rules[k]) !== undefined);
        if (metadata.length > 0)
          say(r, `${name} uses metadata restrictions (${metadata.join(", ")})`, "GitHub Enterprise");
      }
      if (rs.target === "push" && (plan === "free" || plan === "pro"))
        say(r, `${name} is a push ruleset`, "GitHub Team or Enterprise");
      if (rs.target === "push" && vis === "public")
        findings.push({
          urn: r.urn,
          message: `${name} is a push ruleset on a public repository; GitHub offers push rulesets only for private and internal repositories (team.services[].visibility)`,
        });
    }
    for (const r of ofType(resources, T.ghEnvironment)) {
      const repo = str(r.inputs.repository);
      const vis = visibilityOf(repo, resources, ctx);
      if (vis === "public" || plan === "enterprise") continue;
      const name = `environment ${JSON.stringify(str(r.inputs.environment) ?? "?")} on ${vis} repository ${repo ?? "?"}`;
      if (plan === "free") {
        say(r, name, "GitHub Pro, Team or Enterprise (or a public repository)");
        continue;
      }
      const reviewers = (Array.isArray(r.inputs.reviewers) ? r.inputs.reviewers : []).some((x) => {
        const o = obj(x);
        return (
          (Array.isArray(o?.users) && o.users.length > 0) || (Array.isArray(o?.teams) && o.teams.length > 0)
        );
      });
      if (reviewers) say(r, `${name}: required reviewers`, "GitHub Enterprise (or a public repository)");
      if (typeof r.inputs.waitTimer === "number" && r.inputs.waitTimer > 0)
        say(r, `${name}: a wait timer`, "GitHub Enterprise (or a public repository)");
      if (r.inputs.canAdminsBypass === false)
        say(r, `${name}: refusing the administrators' bypass`, "GitHub Enterprise (or a public repository)");
    }
    for (const r of ofType(resources, T.ghEnvironmentSecret)) {
      const repo = str(r.inputs.repository);
      const vis = visibilityOf(repo, resources, ctx);
      if (plan === "free" && vis !== "public")
        say(
          r,
          `environment secret ${str(r.inputs.secretName) ?? "?"} on ${vis} repository ${repo ?? "?"}`,
          "GitHub Pro, Team or Enterprise",
        );
    }
    return findings;
  },
};
