import { architectureIssues, releasePolicy } from "../../components/release";
import { parseTeamSpec } from "../../components/team";
import { releaseOneArchitecture as rule } from "./release-one-architecture";
import { messages, referenceContext, res } from "../testing";

const stack = res("pulumi:pulumi:Stack", {}, { name: "s", stack: "staging" });

function withTypes(...types: (string | undefined)[]) {
  const raw = referenceContext().spec!;
  const spec = parseTeamSpec({
    ...raw,
    environments: raw.environments.map((e, i) => ({ ...e, instanceType: types[i] })),
    // A 1 GiB t3.micro holds no previews beside its service (the spec refuses them).
    previews: { enabled: false },
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
      'team.environments[2].instanceType: "t3.small" runs amd64, but environment "integration" runs arm64: an image is built once for one architecture and promoted unchanged, so every environment must use the same (Graviton types such as t4g.* are arm64; t3.*, m7i.* are amd64)',
    ]);
  });
  it("reports exactly what the release contract's architectureIssues reports (one rule, one place)", () => {
    const ctx = withTypes("t3.micro", "t4g.small", undefined);
    expect(messages(rule, [stack], ctx)).toEqual(
      architectureIssues(ctx.spec).map((i) => `${i.path}: ${i.message}`),
    );
    expect(messages(rule, [stack], ctx)).toHaveLength(2);
  });
});
