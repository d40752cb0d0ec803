import { iamOidcTrust as rule } from "./iam-oidc-trust";
import { githubTrust, messages, referenceContext, res } from "../testing";
import { T, UNKNOWN } from "./util";

const trust = githubTrust;
const role = (condition: object, federated?: string) =>
  res(T.role, { assumeRolePolicy: trust(condition, federated) });
const AUD = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

describe(rule.id, () => {
  it("passes exact subjects with aud checked", () => {
    const ok = role({
      StringEquals: {
        ...AUD,
        "token.actions.githubusercontent.com:sub": ["repo:acme-shop/cart-api:ref:refs/heads/main"],
      },
    });
    expect(messages(rule, [ok], referenceContext())).toEqual([]);
    // Branch patterns after an exact repository are allowed (CKV_AWS_358 only looks at the repository).
    const like = role({
      StringEquals: AUD,
      StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme-shop/cart-api:ref:refs/tags/v*" },
    });
    expect(messages(rule, [like])).toEqual([]);
  });
  it("fires on a role shared by several repositories (one door per repository)", () => {
    const shared = role({
      StringEquals: {
        ...AUD,
        "token.actions.githubusercontent.com:sub": [
          "repo:acme-shop/cart-api:environment:staging",
          "repo:acme-shop/payments-worker:environment:staging",
        ],
      },
    });
    expect(messages(rule, [shared], referenceContext())).toEqual([
      "trusts 2 repositories (acme-shop/cart-api, acme-shop/payments-worker); a CI role trusts one",
    ]);
    const twoBranches = role({
      StringEquals: {
        ...AUD,
        "token.actions.githubusercontent.com:sub": [
          "repo:acme-shop/cart-api:ref:refs/heads/main",
          "repo:acme-shop/cart-api:ref:refs/heads/staging",
        ],
      },
    });
    expect(messages(rule, [twoBranches], referenceContext())).toEqual([]);
  });
  it("ignores roles that do not trust GitHub", () => {
    const ec2 = res(T.role, {
      assumeRolePolicy: JSON.stringify({
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
    });
    expect(messages(rule, [ec2])).toEqual([]);
  });
  it("fires without aud, without sub, and on a wrong audience", () => {
    expect(
      messages(rule, [
        role({
          StringEquals: {
            "token.actions.githubusercontent.com:sub": "repo:acme-shop/cart-api:ref:refs/heads/main",
          },
        }),
      ]),
    ).toEqual(["assumeRolePolicy Statement[0] does not check token.actions.githubusercontent.com:aud"]);
    expect(messages(rule, [role({ StringEquals: AUD })])[0]).toMatch(
      /does not check token.actions.githubusercontent.com:sub/,
    );
    expect(
      messages(rule, [
        role({
          StringLike: {
            "token.actions.githubusercontent.com:aud": "*",
            "token.actions.githubusercontent.com:sub": "repo:a/b:ref:x",
          },
        }),
      ])[0],
    ).toMatch(/require StringEquals "sts.amazonaws.com"/);
  });
  it("fires on wildcard repositories and owners, leading wildcards and pull requests", () => {
    for (const sub of [
      "*",
      "repo:acme-shop/*",
      "repo:*:ref:refs/heads/main",
      "*:environment:production",
      "repo:acme-shop/*:environment:staging",
    ]) {
      const found = messages(rule, [
        role({ StringEquals: AUD, StringLike: { "token.actions.githubusercontent.com:sub": sub } }),
      ]);
      expect(found).toEqual([expect.stringMatching(/does not name an exact repository/)]);
    }
    expect(
      messages(rule, [
        role({
          StringEquals: {
            ...AUD,
            "token.actions.githubusercontent.com:sub": "repo:acme-shop/cart-api:pull_request",
          },
        }),
      ]),
    ).toEqual([expect.stringMatching(/trusts pull requests/)]);
  });
  it("fires on another owner than the team's when the spec is known", () => {
    const other = role({
      StringEquals: {
        ...AUD,
        "token.actions.githubusercontent.com:sub": "repo:evil-corp/cart-api:environment:production",
      },
    });
    expect(messages(rule, [other], referenceContext())).toEqual([
      expect.stringMatching(/names owner "evil-corp", not the team's "acme-shop"/),
    ]);
  });
  it("recognises a provider not created yet by its condition keys", () => {
    expect(messages(rule, [role({ StringEquals: AUD }, UNKNOWN)])).toHaveLength(1);
  });
});
