import { githubRepositoryPrivate as rule } from "./github-repository-private";
import { messages, referenceContext, referenceSpec, res } from "../testing";
import { releasePolicy } from "../../components/release";
import { T } from "./util";

describe(rule.id, () => {
  it("passes private and internal repositories", () => {
    expect(messages(rule, [res(T.ghRepository, { name: "cart-api", visibility: "private" })])).toEqual([]);
    expect(messages(rule, [res(T.ghRepository, { name: "cart-api", visibility: "internal" })])).toEqual([]);
    expect(messages(rule, [res(T.ghRepository, { name: "cart-api", private: true })])).toEqual([]);
  });
  it("passes a public repository the spec makes public", () => {
    const spec = referenceSpec();
    const open = {
      ...spec,
      services: spec.services.map((s) =>
        s.name === "cart-api" ? { ...s, visibility: "public" as const } : s,
      ),
    };
    expect(
      messages(rule, [res(T.ghRepository, { name: "cart-api", visibility: "public" })], {
        spec: open,
        policy: releasePolicy(open),
      }),
    ).toEqual([]);
  });
  it("fires on public or unset visibility the spec does not ask for", () => {
    expect(
      messages(rule, [res(T.ghRepository, { name: "cart-api", visibility: "public" })], referenceContext()),
    ).toEqual(['visibility is "public" but the team spec makes service "cart-api" private']);
    expect(messages(rule, [res(T.ghRepository, { name: "cart-api" })])).toEqual([
      "visibility is unset (GitHub creates it public); the team spec is not available to say it may be",
    ]);
  });
});
