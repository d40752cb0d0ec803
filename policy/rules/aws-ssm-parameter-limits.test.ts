import { awsSsmParameterLimits as rule } from "./aws-ssm-parameter-limits";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes the program's release parameters", () => {
    expect(
      messages(rule, [
        res(T.ssmParameter, {
          name: "/delivery/checkout/production/cart-api/release",
          type: "String",
          insecureValue: "x",
        }),
      ]),
    ).toEqual([]);
  });
  it("fires on reserved prefixes, depth, characters and length, naming the spec keys", () => {
    const ctx = referenceContext();
    expect(messages(rule, [res(T.ssmParameter, { name: "/aws/checkout" })], ctx)).toEqual([
      'name "/aws/checkout" starts with "aws" or "ssm", which Parameter Store reserves (from team.name)',
    ]);
    const deep = `/${Array.from({ length: 16 }, () => "a").join("/")}`;
    expect(messages(rule, [res(T.ssmParameter, { name: deep })])[0]).toMatch(
      /is 16 levels deep; Parameter Store allows 15$/,
    );
    expect(messages(rule, [res(T.ssmParameter, { name: "/a b" })])[0]).toMatch(/may hold only/);
    expect(messages(rule, [res(T.ssmParameter, { name: `/checkout/${"n".repeat(1002)}` })], ctx)[0]).toBe(
      "name is 1012 characters; Parameter Store allows 1,011 (from team.name)",
    );
  });
  it("fires on values over the tier's limit; a secret is not measured", () => {
    expect(messages(rule, [res(T.ssmParameter, { name: "/x", insecureValue: "v".repeat(4096) })])).toEqual(
      [],
    );
    expect(messages(rule, [res(T.ssmParameter, { name: "/x", insecureValue: "v".repeat(4097) })])).toEqual([
      "insecureValue is 4,097 bytes; the Standard tier allows 4,096",
    ]);
    expect(
      messages(rule, [res(T.ssmParameter, { name: "/x", tier: "Advanced", value: "v".repeat(8000) })]),
    ).toEqual([]);
    expect(messages(rule, [res(T.ssmParameter, { name: "/x", value: "[secret]" })])).toEqual([]);
  });
});
