import { releasePolicy } from "../../components/release";
import { parseTeamSpec } from "../../components/team";
import { releaseOneArchitecture as rule } from "./release-one-architecture";
import { messages, referenceContext, res } from "../testing";

const stack = res("pulumi:pulumi:Stack", {}, { name: "s", stack: "staging" });

function withTypes(...types: (string | undefined)[]) {
  const raw = referenceContext().spec!;
  const spec = parseTeamSpec({
    ...raw,
    // Architecture only: previews would need a larger integration server than these types.
    previews: { enabled: false },
    environments: raw.environments.map((e, i) => ({ ...e, instanceType: types[i] })),
  });
  return { spec, policy: releasePolicy(spec) };
}

describe(rule.id, () => {
  it("passes one architecture: defaults and Graviton types, or x86 everywhere", () => {
    expect(messages(rule, [stack], referenceContext())).toEqual([]);
    expect(messages(rule, [stack], withTypes(undefined, "m7g.large", "t4g.small"))).toEqual([]);
    expect(messages(rule, [stack], withTypes("t3.micro", "t3.small", "m7i.large"))).toEqual([]);
  });
  it("fires on an x86 environment among arm64 ones, naming its instanceType key", () => {
    expect(messages(rule, [stack], withTypes(undefined, undefined, "t3.small"))).toEqual([
      "team.environments[2] (production, t3.small) runs x86_64 but team.environments[0] (integration, the default t4g) runs arm64: one image, built once and promoted by digest, cannot run on both. Set team.environments[2].instanceType to a Graviton (t4g, m7g, …) type",
    ]);
  });
});
