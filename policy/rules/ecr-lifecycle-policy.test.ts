import { ecrLifecyclePolicy as rule } from "./ecr-lifecycle-policy";
import { messages, res, run } from "../testing";
import { T, UNKNOWN } from "./util";

describe(rule.id, () => {
  const repo = res(T.ecrRepository, { name: "checkout/cart-api" }, { parent: "urn:c1" });
  it("passes a repository whose lifecycle policy names it", () => {
    expect(
      messages(rule, [repo, res(T.ecrLifecyclePolicy, { repository: "checkout/cart-api", policy: "{}" })]),
    ).toEqual([]);
  });
  it("fires on a repository without one, and on a policy for another repository", () => {
    const other = res(T.ecrRepository, { name: "checkout/payments-worker" });
    const found = run(rule, [
      repo,
      other,
      res(T.ecrLifecyclePolicy, { repository: "checkout/cart-api", policy: "{}" }),
    ]);
    expect(found).toHaveLength(1);
    expect(found[0].urn).toBe(other.urn);
    expect(found[0].message).toMatch(/payments-worker/);
  });
  it("accepts an engine-reported dependency or a sibling when the name is not known yet", () => {
    const byDep = res(
      T.ecrLifecyclePolicy,
      { repository: UNKNOWN },
      { propertyDependencies: { repository: [repo.urn] } },
    );
    expect(messages(rule, [repo, byDep])).toEqual([]);
    const sibling = res(T.ecrLifecyclePolicy, { repository: UNKNOWN }, { parent: "urn:c1" });
    expect(messages(rule, [repo, sibling])).toEqual([]);
    const stranger = res(T.ecrLifecyclePolicy, { repository: UNKNOWN }, { parent: "urn:c2" });
    expect(messages(rule, [repo, stranger])).toHaveLength(1);
  });
});
