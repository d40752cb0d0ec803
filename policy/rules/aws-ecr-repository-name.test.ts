import { awsEcrRepositoryName as rule } from "./aws-ecr-repository-name";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";
import { parseTeamSpec } from "../../components/team";
import { releasePolicy } from "../../components/release";

describe(rule.id, () => {
  it("passes team/service names", () => {
    expect(messages(rule, [res(T.ecrRepository, { name: "checkout/cart-api" })])).toEqual([]);
  });
  it("fires on a slug the spec accepts but ECR refuses (trailing or double dash), naming the service key", () => {
    const raw = referenceContext().spec!;
    const spec = parseTeamSpec({
      ...raw,
      services: [...raw.services, { name: "web--app", port: 9000 }],
    });
    const ctx = { spec, policy: releasePolicy(spec) };
    expect(messages(rule, [res(T.ecrRepository, { name: "checkout/web--app" })], ctx)).toEqual([
      'name "checkout/web--app" does not match ECR\'s pattern (lowercase letters and digits, single . _ - between them, / between namespaces) (from team.name, team.services[2].name): no "-" at the end of a name and no "--"',
    ]);
    expect(messages(rule, [res(T.ecrRepository, { name: "a" })])[0]).toMatch(
      /is 1 characters; ECR takes 2 to 256/,
    );
  });
});
