import { githubReleaseTagsImmutable as rule } from "./github-release-tags-immutable";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

const repo = res(T.ghRepository, { name: "cart-api" });
const tags = (
  rules: Record<string, unknown>,
  includes = ["refs/tags/v[0-9]*.[0-9]*.[0-9]*-rc.[0-9]*", "refs/tags/v[0-9]*.[0-9]*.[0-9]*"],
  bypassActors: unknown[] = [],
  excludes: string[] = [],
) =>
  res(T.ghRuleset, {
    repository: "cart-api",
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes, excludes } },
    rules,
    bypassActors,
  });

describe(rule.id, () => {
  it("passes a tag ruleset forbidding update and deletion of release and rc tags", () => {
    const creators = tags({ creation: true }, undefined, [
      { actorType: "Integration", actorId: 15368, bypassMode: "always" },
    ]);
    expect(
      messages(rule, [repo, tags({ update: true, deletion: true }), creators], referenceContext()),
    ).toEqual([]);
  });
  it("fires without a tag ruleset, with only deletion, or with bypass actors", () => {
    expect(messages(rule, [repo], referenceContext())).toContainEqual(
      "cart-api: no active tag ruleset forbids updating and deleting release tag v1.2.3",
    );
    expect(messages(rule, [repo, tags({ deletion: true })])).toHaveLength(1);
    const bypassed = tags({ update: true, deletion: true }, undefined, [
      { actorType: "OrganizationAdmin", bypassMode: "always" },
    ]);
    expect(messages(rule, [repo, bypassed])).toEqual([
      "cart-api: release tag v1.2.3 is protected only by rulesets with bypass actors",
    ]);
  });
  it("fires when rc tags (which the trunk model releases) are not covered", () => {
    const found = messages(
      rule,
      [repo, tags({ update: true, deletion: true }, ["refs/tags/v*"], [], ["refs/tags/v*-rc.*"])],
      referenceContext(),
    );
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/v1\.2\.3-rc\.1/)]));
    expect(found.some((m) => /release tag v1\.2\.3$/.test(m))).toBe(false);
    // fnmatch cannot say "digits only": `v[0-9]*.[0-9]*.[0-9]` also matches v1.2.3-rc.1 (DESIGN.md).
    expect(
      messages(
        rule,
        [repo, tags({ update: true, deletion: true }, ["refs/tags/v[0-9]*.[0-9]*.[0-9]"])],
        referenceContext(),
      ),
    ).toEqual([
      "cart-api: no active tag ruleset forbids updating and deleting release tag v10.20.30",
      "cart-api: no active tag ruleset forbids updating and deleting release tag v2.0.0-rc.12",
    ]);
  });
  it("judges nothing in a stack without repositories (environment stacks)", () => {
    expect(
      messages(rule, [res(T.ghEnvironment, { environment: "staging", repository: "cart-api" })]),
    ).toEqual([]);
  });
});
