/**
 * aws-security-group-rule-count — a security group holds at most 60 inbound and 60 outbound
 * rules by default, counted separately for IPv4 and IPv6; every CIDR, referenced group and
 * prefix-list entry of a rule counts as one. Amazon VPC quotas ("Inbound or outbound rules per
 * security group", default 60, adjustable; the product with "Security groups per network
 * interface" may not pass 1,000): https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
 * (and https://docs.aws.amazon.com/general/latest/gr/vpc-service.html). EC2 answers
 * `RulesPerSecurityGroupLimitExceeded`. Judged: inline `ingress`/`egress` of
 * `aws.ec2.SecurityGroup` (standalone rule resources name their group by an id the offline plan
 * cannot join reliably; they are not counted). Mandatory: the program opens one port per
 * service, so the team size decides.
 */
import type { ResourceRule } from "../types";
import { servicesKey } from "./preflight";
import { arr, obj, strings, T } from "./util";

export const RULES_PER_GROUP = 60;

function count(blocks: unknown[]): { ipv4: number; ipv6: number } {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const b of blocks) {
    const o = obj(b) ?? {};
    ipv4 += strings(o.cidrBlocks).length + strings(o.securityGroups).length + (o.self === true ? 1 : 0);
    ipv4 += strings(o.prefixListIds).length;
    ipv6 += strings(o.ipv6CidrBlocks).length;
  }
  return { ipv4, ipv6 };
}

export const awsSecurityGroupRuleCount: ResourceRule = {
  kind: "resource",
  id: "aws-security-group-rule-count",
  description:
    "A security group has at most 60 inbound and 60 outbound rules per address family (VPC quota).",
  mirrors: "Amazon VPC quotas (preflight)",
  level: "mandatory",
  types: [T.securityGroup],
  check(r, ctx) {
    const out: string[] = [];
    for (const direction of ["ingress", "egress"] as const) {
      const c = count(arr(r.inputs[direction]));
      for (const family of ["ipv4", "ipv6"] as const) {
        if (c[family] <= RULES_PER_GROUP) continue;
        out.push(
          `${direction} has ${c[family]} ${family === "ipv4" ? "IPv4" : "IPv6"} rules; a security group takes at most ` +
            `${RULES_PER_GROUP} ${direction === "ingress" ? "inbound" : "outbound"} rules per address family (VPC quota, ` +
            `adjustable through Service Quotas). One rule per service port: ${servicesKey(ctx)} on one server; ` +
            `split the team or raise the quota before \`pulumi up\``,
        );
      }
    }
    return out;
  },
};
