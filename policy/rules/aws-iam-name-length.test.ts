import { awsIamNameLength as rule } from "./aws-iam-name-length";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("counts Pulumi's 8-character suffix on an auto-named role: 56 characters pass, 57 do not", () => {
    expect(messages(rule, [res(T.role, {}, { name: "r".repeat(56) })])).toEqual([]);
    expect(messages(rule, [res(T.role, {}, { name: "r".repeat(57) })])).toEqual([
      `role name would be 65 characters (the logical name "${"r".repeat(57)}" (57) plus Pulumi's "-" and 7 random characters); IAM allows 64. Shorten the name`,
    ]);
  });
  it("names the team-spec keys the name is made of", () => {
    const ctx = referenceContext();
    const long = `checkout-production-${"x".repeat(30)}-deploy-role`;
    const [message] = messages(rule, [res(T.role, {}, { name: long, stack: "production" })], ctx);
    expect(message).toMatch(/IAM allows 64\. Shorten team\.name or team\.environments\[2\]\.name$/);
  });
  it("judges explicit names, prefixes, characters, policies, instance profiles and paths", () => {
    expect(messages(rule, [res(T.role, { name: "x".repeat(64) })])).toEqual([]);
    expect(messages(rule, [res(T.role, { name: "x".repeat(65) })])[0]).toMatch(
      /^role name would be 65 characters/,
    );
    expect(messages(rule, [res(T.role, { namePrefix: "x".repeat(39) })])[0]).toMatch(
      /namePrefix plus a 26-character unique suffix/,
    );
    expect(messages(rule, [res(T.role, { name: "bad name" })])).toEqual([
      'role name "bad name" may hold only letters, digits and +=,.@_-',
    ]);
    expect(messages(rule, [res(T.rolePolicy, {}, { name: "p".repeat(120) })])).toEqual([]);
    expect(messages(rule, [res(T.rolePolicy, {}, { name: "p".repeat(121) })])[0]).toMatch(
      /^inline policy name would be 129/,
    );
    expect(messages(rule, [res(T.instanceProfile, {}, { name: "p".repeat(121) })])[0]).toMatch(
      /^instance profile name would be 129/,
    );
    expect(messages(rule, [res(T.role, { path: `/${"a".repeat(511)}/` })])[0]).toMatch(
      /^path is 513 characters; IAM allows 512/,
    );
  });
});
