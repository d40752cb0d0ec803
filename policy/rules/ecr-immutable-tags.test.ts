import { ecrImmutableTags as rule } from "./ecr-immutable-tags";
import { messages, res, run } from "../testing";
import { T, UNKNOWN } from "./util";

describe(rule.id, () => {
  it("passes an IMMUTABLE repository", () => {
    expect(messages(rule, [res(T.ecrRepository, { imageTagMutability: "IMMUTABLE" })])).toEqual([]);
  });
  it("fires on MUTABLE, on unset and on mutability with exclusions", () => {
    for (const v of ["MUTABLE", undefined, "IMMUTABLE_WITH_EXCLUSION"]) {
      const found = run(rule, [res(T.ecrRepository, v === undefined ? {} : { imageTagMutability: v })]);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ policy: "ecr-immutable-tags", level: "mandatory" });
      expect(found[0].message).toMatch(/imageTagMutability/);
    }
  });
  it("does not judge a value the preview does not know yet", () => {
    expect(messages(rule, [res(T.ecrRepository, { imageTagMutability: UNKNOWN })])).toEqual([]);
  });
  it("ignores other resource types", () => {
    expect(messages(rule, [res(T.ssmParameter, { imageTagMutability: "MUTABLE" })])).toEqual([]);
  });
});
