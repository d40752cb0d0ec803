import { kubernetesObjectNames as rule } from "./kubernetes-object-names";
import { messages, referenceContext, res } from "../testing";

const ns = (name: string) => res("kubernetes:core/v1:Namespace", { metadata: { name } });
const deployment = (name: string, namespace = "checkout-production") =>
  res("kubernetes:apps/v1:Deployment", { metadata: { name, namespace } });

describe(rule.id, () => {
  it("passes ordinary names", () => {
    expect(messages(rule, [ns("checkout-production"), deployment("cart-api")])).toEqual([]);
    expect(messages(rule, [ns("n".repeat(63)), deployment("d".repeat(253))])).toEqual([]);
  });
  it("fires on a namespace past 63 characters, naming the spec keys it is made of", () => {
    const team = "checkout";
    const env = "production-europe-west-with-a-very-long-name-x";
    const long = `${team}-${env}-and-more-words-to-pass-63`;
    const ctx = referenceContext();
    expect(messages(rule, [ns(long)], ctx)).toEqual([
      `metadata.name "${long}" (${long.length} characters) must be an RFC 1123 label of at most 63: lowercase letters, digits and "-" (from team.name, team.environments[2].name)`,
    ]);
  });
  it("fires on uppercase, a service starting with a digit and a too-long subdomain", () => {
    expect(messages(rule, [deployment("Cart")])[0]).toMatch(/must be a DNS subdomain name of at most 253/);
    expect(messages(rule, [res("kubernetes:core/v1:Service", { metadata: { name: "1api" } })])[0]).toMatch(
      /must be an RFC 1035 label/,
    );
    expect(messages(rule, [deployment("d".repeat(254))])).toHaveLength(1);
    expect(messages(rule, [deployment("api", "a.b")])[0]).toMatch(/^metadata\.namespace "a\.b"/);
  });
});
