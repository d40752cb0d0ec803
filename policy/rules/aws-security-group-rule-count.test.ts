import { awsSecurityGroupRuleCount as rule } from "./aws-security-group-rule-count";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

const port = (p: number, cidrs = ["0.0.0.0/0"], ipv6: string[] = []) => ({
  protocol: "tcp",
  fromPort: p,
  toPort: p,
  cidrBlocks: cidrs,
  ipv6CidrBlocks: ipv6,
});

describe(rule.id, () => {
  it("passes 60 inbound IPv4 rules plus 60 IPv6 ones (separate quotas)", () => {
    const ingress = Array.from({ length: 60 }, (_, i) => port(8080 + i, ["0.0.0.0/0"], ["::/0"]));
    expect(messages(rule, [res(T.securityGroup, { ingress })])).toEqual([]);
  });
  it("counts every CIDR as a rule and names team.services", () => {
    const ingress = Array.from({ length: 31 }, (_, i) => port(8080 + i, ["10.0.0.0/8", "192.168.0.0/16"]));
    expect(messages(rule, [res(T.securityGroup, { ingress })], referenceContext())).toEqual([
      "ingress has 62 IPv4 rules; a security group takes at most 60 inbound rules per address family (VPC quota, adjustable through Service Quotas). One rule per service port: team.services (2 services) on one server; split the team or raise the quota before `pulumi up`",
    ]);
  });
  it("judges egress too", () => {
    const egress = Array.from({ length: 61 }, (_, i) => port(1000 + i));
    expect(messages(rule, [res(T.securityGroup, { egress })])[0]).toMatch(/^egress has 61 IPv4 rules/);
  });
});
