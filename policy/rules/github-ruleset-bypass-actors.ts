/**
 * github-ruleset-bypass-actors — GitHub accepts as bypass actors only organization admins,
 * repository roles, teams, deploy keys and GitHub Apps installed by the ruleset's owner; the
 * GitHub Actions app (integration 15368) is owned by GitHub, and a repository ruleset naming it
 * is refused with 422 "Actor GitHub Actions integration must be part of the ruleset source or
 * owner organization" (seen in public reports, e.g. kwami-labs/kwami#73 and leynier/alera#489,
 * read through the search tool; actor types: REST "Create a repository ruleset",
 * https://docs.github.com/en/rest/repos/rules#create-a-repository-ruleset). The GitHub App
 * Pulumi runs as stays an acceptable bypass of the protected-branch rulesets (it commits the
 * files it manages). Mandatory: the shared stack's `up` fails on the first such ruleset.
 */
import { GITHUB_ACTIONS_APP_ID } from "../../components/release/contract";
import type { ResourceRule } from "../types";
import { num, obj, readRuleset, str, T } from "./util";

const ACTOR_TYPES = ["Integration", "OrganizationAdmin", "RepositoryRole", "Team", "DeployKey"];

export const githubRulesetBypassActors: ResourceRule = {
  kind: "resource",
  id: "github-ruleset-bypass-actors",
  description: "Ruleset bypass actors are ones GitHub accepts: never the GitHub Actions app (15368).",
  mirrors: "GitHub REST repository rulesets (preflight)",
  level: "mandatory",
  types: [T.ghRuleset],
  check(r) {
    const rs = readRuleset(r);
    const where = `ruleset ${JSON.stringify(str(r.inputs.name) ?? r.name)} on ${rs.repository ?? "?"}`;
    const out: string[] = [];
    rs.bypassActors.forEach((a, i) => {
      const o = obj(a) ?? {};
      const type = str(o.actorType);
      if (type !== undefined && !ACTOR_TYPES.includes(type))
        out.push(
          `${where}: bypassActors[${i}].actorType ${JSON.stringify(type)} is not one GitHub knows (${ACTOR_TYPES.join(", ")})`,
        );
      if (type === "Integration" && num(o.actorId) === GITHUB_ACTIONS_APP_ID)
        out.push(
          `${where}: bypassActors[${i}] is the GitHub Actions app (${GITHUB_ACTIONS_APP_ID}); GitHub answers 422 "Actor GitHub ` +
            `Actions integration must be part of the ruleset source or owner organization". Let release tags be created by ` +
            `a team in team.release.tagCreators or by the automation App (delivery-workflow:githubAppId) instead`,
        );
    });
    return out;
  },
};
