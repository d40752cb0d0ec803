import { awsTagLimits as rule } from "./aws-tag-limits";
import { messages, res } from "../testing";
import { T } from "./util";

const provider = (tags: Record<string, string>) =>
  res("pulumi:providers:aws", { defaultTags: JSON.stringify({ tags }) }, { name: "aws" });
const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));

describe(rule.id, () => {
  it("passes 50 tags, provider defaults included", () => {
    expect(messages(rule, [provider(tags(4)), res(T.ecrRepository, { tags: { ...tags(50) } })])).toEqual([]);
  });
  it("fires when defaultTags push a resource over 50", () => {
    const own = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`own${i}`, "v"]));
    expect(messages(rule, [provider(tags(4)), res(T.ecrRepository, { tags: own })])).toEqual([
      "has 51 tags (provider defaultTags included); AWS allows 50 per resource",
    ]);
  });
  it("fires on long values and the reserved aws: prefix", () => {
    expect(messages(rule, [res(T.ssmParameter, { tags: { note: "n".repeat(257), "aws:x": "y" } })])).toEqual([
      "tag note is 257 characters; AWS allows 256",
      "tag aws:x uses the reserved aws: prefix",
    ]);
  });
});
