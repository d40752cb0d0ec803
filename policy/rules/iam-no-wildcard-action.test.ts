import { iamNoWildcardAction as rule } from "./iam-no-wildcard-action";
import { messages, res } from "../testing";
import { T } from "./util";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe(rule.id, () => {
  it("passes named actions in inline, managed and role policies", () => {
    const allow = doc({
      Effect: "Allow",
      Action: ["ecr:BatchGetImage", "ecr:Describe*"],
      Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/x",
    });
    expect(
      messages(rule, [
        res(T.role, { assumeRolePolicy: "{}", inlinePolicies: [{ name: "p", policy: allow }] }),
      ]),
    ).toEqual([]);
    expect(
      messages(rule, [
        res(T.iamPolicy, { policy: allow }),
        res(T.rolePolicy, { role: "r", policy: JSON.parse(allow) }),
      ]),
    ).toEqual([]);
    // A Deny with "*" restricts; it grants nothing.
    expect(
      messages(rule, [res(T.iamPolicy, { policy: doc({ Effect: "Deny", Action: "*", Resource: "*" }) })]),
    ).toEqual([]);
  });
  it("fires on *, service:* and Allow + NotAction", () => {
    expect(
      messages(rule, [res(T.iamPolicy, { policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) })]),
    ).toEqual(['policy Statement[0] allows action "*"']);
    expect(
      messages(rule, [
        res(T.role, {
          inlinePolicies: [
            { name: "p", policy: doc({ Sid: "Push", Effect: "Allow", Action: ["ecr:*"], Resource: "x" }) },
          ],
        }),
      ]),
    ).toEqual(['inlinePolicies[0].policy Statement[0] (Sid "Push") allows action "ecr:*"']);
    expect(
      messages(rule, [
        res(T.rolePolicy, { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }),
      ]),
    ).toEqual(["policy Statement[0] uses NotAction in an Allow statement"]);
  });
  it("fires on a document that is not JSON", () => {
    expect(messages(rule, [res(T.iamPolicy, { policy: "{not json" })])).toEqual([
      "policy is not a JSON policy document",
    ]);
  });
});
