import { iamDeployRoleOneEnvironment as rule } from "./iam-deploy-role-one-environment";
import { githubTrust, messages, referenceContext, res } from "../testing";
import { T } from "./util";

const trust = (operator: string, subs: string[]) =>
  githubTrust({
    StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
    [operator]: { "token.actions.githubusercontent.com:sub": subs },
  });
const role = (subs: string[], operator = "StringEquals", stack = "staging") =>
  res(T.role, { assumeRolePolicy: trust(operator, subs) }, { stack });

describe(rule.id, () => {
  it("passes one environment of one repository", () => {
    const ok = role(["repo:acme-shop/cart-api:environment:staging"]);
    expect(messages(rule, [ok], referenceContext())).toEqual([]);
  });
  it("does not judge roles without environment subjects (the build role)", () => {
    expect(
      messages(rule, [role(["repo:acme-shop/cart-api:ref:refs/heads/main"], "StringEquals", "shared")]),
    ).toEqual([]);
  });
  it("fires on two environments, on mixed subjects, on StringLike and on another stack's environment", () => {
    expect(
      messages(rule, [role(["repo:a/b:environment:staging", "repo:a/b:environment:production"])]),
    ).toContainEqual("trusts 2 environments (staging, production); a deploy role trusts one");
    expect(messages(rule, [role(["repo:a/b:environment:staging", "repo:a/b:ref:refs/heads/main"])])).toEqual([
      'mixes environment subjects with "repo:a/b:ref:refs/heads/main"',
    ]);
    expect(messages(rule, [role(["repo:a/b:environment:staging"], "StringLike")])).toEqual([
      "tests the environment subject with StringLike; use StringEquals",
    ]);
    expect(
      messages(
        rule,
        [role(["repo:acme-shop/cart-api:environment:production"], "StringEquals", "staging")],
        referenceContext(),
      ),
    ).toEqual(['trusts environment production but this stack provisions "staging"']);
  });
  it("admits a preview role in the stack that hosts previews (integration's), and nowhere else", () => {
    const preview = (stack: string) =>
      role(["repo:acme-shop/cart-api:environment:preview"], "StringEquals", stack);
    expect(messages(rule, [preview("integration")], referenceContext())).toEqual([]);
    expect(messages(rule, [preview("staging")], referenceContext())).toEqual([
      'trusts environment preview but this stack provisions "staging"',
    ]);
  });
});
