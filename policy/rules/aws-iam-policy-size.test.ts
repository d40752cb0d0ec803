import { awsIamPolicySize as rule } from "./aws-iam-policy-size";
import { githubTrust, messages, referenceContext, res } from "../testing";
import { T } from "./util";

/** A trust policy with `count` repository subjects, pretty-printed (white space is not counted). */
function trust(count: number): string {
  const subjects = Array.from(
    { length: count },
    (_, i) => `repo:acme-shop/svc-${String(i).padStart(3, "0")}:ref:refs/heads/main`,
  );
  return JSON.stringify(
    JSON.parse(githubTrust({ StringEquals: { "token.actions.githubusercontent.com:sub": subjects } })),
    null,
    2,
  );
}
function policy(resources: number): string {
  const arns = Array.from(
    { length: resources },
    (_, i) => `arn:aws:ecr:eu-west-1:123456789012:repository/checkout/svc-${i}`,
  );
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["ecr:PutImage"], Resource: arns }],
  });
}

describe(rule.id, () => {
  it("counts without white space: a pretty-printed trust policy under 2,048 passes", () => {
    const doc = trust(30);
    expect(doc.length).toBeGreaterThan(2048);
    expect(doc.replace(/\s/g, "").length).toBeLessThanOrEqual(2048);
    expect(messages(rule, [res(T.role, { assumeRolePolicy: doc }, { name: "checkout-build-role" })])).toEqual(
      [],
    );
  });
  it("fires on a trust policy over 2,048 characters, naming team.services", () => {
    const [message] = messages(
      rule,
      [res(T.role, { assumeRolePolicy: trust(60) }, { name: "checkout-build-role" })],
      referenceContext(),
    );
    expect(message).toMatch(
      /^role checkout-build-role: trust policy is 2,977 characters without white space; IAM's default quota is 2,048/,
    );
    expect(message).toContain("team.services (2 services)");
  });
  it("sums a role's inline policies and its RolePolicy resources, joined by the auto-name", () => {
    const role = res(
      T.role,
      { assumeRolePolicy: trust(1), inlinePolicies: [{ name: "a", policy: policy(80) }] },
      { name: "checkout-production-role" },
    );
    const attached = res(
      T.rolePolicy,
      { role: "checkout-production-role-34de3bc", policy: policy(80) },
      { name: "checkout-production-permissions" },
    );
    const other = res(T.rolePolicy, { role: "someone-else-1234567", policy: policy(10) }, { name: "other" });
    const single = policy(80).replace(/\s/g, "").length;
    expect(single * 2).toBeGreaterThan(10240);
    expect(single).toBeLessThan(10240);
    expect(messages(rule, [role, other])).toEqual([]);
    expect(messages(rule, [role, attached, other])).toEqual([
      `role checkout-production-role: its inline policies (inlinePolicies[0], checkout-production-permissions) total ${(single * 2).toLocaleString("en-US")} characters without white space; IAM allows 10,240 per role (not adjustable). It grows with team.services: each repository adds its subjects and resources; split the role or move statements to managed policies`,
    ]);
  });
  it("judges role policies whose role is elsewhere on their own, and joins by property dependency", () => {
    const big = res(
      T.rolePolicy,
      { role: "[unknown]", policy: policy(200) },
      { name: "p", propertyDependencies: {} },
    );
    expect(messages(rule, [big])[0]).toMatch(/^role \(not known yet\): its inline policies \(p\) total/);
    const role = res(T.role, { assumeRolePolicy: trust(1) }, { name: "r" });
    const dep = res(
      T.rolePolicy,
      { role: "[unknown]", policy: policy(200) },
      { name: "p", propertyDependencies: { role: [role.urn] } },
    );
    expect(messages(rule, [role, dep])[0]).toMatch(/^role r: its inline policies \(p\)/);
  });
});
