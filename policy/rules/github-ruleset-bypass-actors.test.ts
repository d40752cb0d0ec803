import { githubRulesetBypassActors as rule } from "./github-ruleset-bypass-actors";
import { messages, res } from "../testing";
import { T } from "./util";

const ruleset = (bypassActors: unknown[]) =>
  res(T.ghRuleset, { name: "release tag creators", repository: "cart-api", target: "tag", bypassActors });

describe(rule.id, () => {
  it("accepts teams, repository roles and the automation App", () => {
    expect(
      messages(rule, [
        ruleset([
          { actorType: "Team", actorId: 7285763, bypassMode: "always" },
          { actorType: "RepositoryRole", actorId: 5, bypassMode: "always" },
          { actorType: "Integration", actorId: 1234567, bypassMode: "always" },
        ]),
      ]),
    ).toEqual([]);
  });
  it("refuses the GitHub Actions app (15368) with GitHub's own 422 message", () => {
    expect(
      messages(rule, [ruleset([{ actorType: "Integration", actorId: 15368, bypassMode: "always" }])]),
    ).toEqual([
      'ruleset "release tag creators" on cart-api: bypassActors[0] is the GitHub Actions app (15368); GitHub answers 422 "Actor GitHub Actions integration must be part of the ruleset source or owner organization". Let release tags be created by a team in team.release.tagCreators or by the automation App (delivery-workflow:githubAppId) instead',
    ]);
  });
  it("refuses actor types GitHub does not know", () => {
    expect(messages(rule, [ruleset([{ actorType: "User", actorId: 1 }])])[0]).toMatch(
      /bypassActors\[0\]\.actorType "User" is not one GitHub knows/,
    );
  });
});
