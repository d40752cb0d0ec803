import { awsEcrRepositoryName as rule } from "./aws-ecr-repository-name";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes team/service names", () => {
    expect(messages(rule, [res(T.ecrRepository, { name: "checkout/cart-api" })])).toEqual([]);
  });
  it("fires on a name ECR refuses (the spec refuses such slugs too), naming the service key", () => {
    // Built past validation, as a program bug or another component could build it.
    const ref = referenceContext();
    const extra = { ...ref.spec!.services[0], name: "web--app", formerNames: [] };
    const ctx = { ...ref, spec: { ...ref.spec!, services: [...ref.spec!.services, extra] } };
    expect(messages(rule, [res(T.ecrRepository, { name: "checkout/web--app" })], ctx)).toEqual([
      'name "checkout/web--app" does not match ECR\'s pattern (lowercase letters and digits, single . _ - between them, / between namespaces) (from team.name, team.services[2].name): no "-" at the end of a name and no "--"',
    ]);
    expect(messages(rule, [res(T.ecrRepository, { name: "a" })])[0]).toMatch(
      /is 1 characters; ECR takes 2 to 256/,
    );
  });
});
