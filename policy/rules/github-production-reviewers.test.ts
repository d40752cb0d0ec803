import { githubProductionReviewers as rule } from "./github-production-reviewers";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

const env = (environment: string, inputs: Record<string, unknown> = {}) =>
  res(T.ghEnvironment, { repository: "cart-api", environment, ...inputs }, { stack: environment });

describe(rule.id, () => {
  it("passes production with reviewers and no self-review; ignores other environments", () => {
    expect(
      messages(
        rule,
        [env("production", { reviewers: [{ users: [101], teams: [] }], preventSelfReview: true })],
        referenceContext(),
      ),
    ).toEqual([]);
    expect(messages(rule, [env("staging", {})], referenceContext())).toEqual([]);
  });
  it("fires on production without reviewers or allowing self-review", () => {
    expect(
      messages(rule, [env("production", { reviewers: [], preventSelfReview: true })], referenceContext()),
    ).toEqual(['environment "production" has no required reviewers']);
    expect(messages(rule, [env("production", { reviewers: [{ users: [], teams: [] }] })])).toEqual([
      'environment "production" has no required reviewers',
      'environment "production" lets the person who triggered a deployment approve it (preventSelfReview)',
    ]);
  });
  it("knows the production environment by its role in the release policy, not its name", () => {
    const spec = referenceContext().spec!;
    const renamed = {
      ...spec,
      environments: spec.environments.map((e) => (e.role === "production" ? { ...e, name: "live" } : e)),
    };
    const { releasePolicy } = jest.requireActual("../../components/release");
    expect(messages(rule, [env("live", {})], { spec: renamed, policy: releasePolicy(renamed) })).toHaveLength(
      2,
    );
  });
});
