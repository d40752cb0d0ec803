import { githubEnvironmentReviewersLimit as rule } from "./github-environment-reviewers-limit";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

const env = (users: number[], teams: number[] = []) =>
  res(
    T.ghEnvironment,
    { environment: "production", repository: "cart-api", reviewers: [{ users, teams }] },
    { stack: "production" },
  );

describe(rule.id, () => {
  it("passes six reviewers, users and teams together", () => {
    expect(messages(rule, [env([1, 2, 3, 4], [5, 6])])).toEqual([]);
  });
  it("fires on seven, naming the environment's requiredReviewers key", () => {
    expect(messages(rule, [env([1, 2, 3, 4, 5], [6, 7])], referenceContext())).toEqual([
      'environment "production" on cart-api names 7 reviewers; GitHub allows 6. Name at most six users or teams in team.environments[2].requiredReviewers (production defaults to team.people.maintainers), e.g. one team',
    ]);
  });
});
