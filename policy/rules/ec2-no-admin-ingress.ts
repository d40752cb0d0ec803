/**
 * ec2-no-admin-ingress — SSH (22) and RDP (3389) open to the internet invite brute force;
 * operators use SSM Session Manager instead. Mirrors checkov CKV_AWS_24 (22) and CKV_AWS_25
 * (3389). Mandatory. Judges inline security group ingress, `aws.ec2.SecurityGroupRule` and
 * `aws.vpc.SecurityGroupIngressRule`.
 */
import type { CheckedResource, ResourceRule } from "../types";
import { arr, isUnknown, num, obj, str, strings, T } from "./util";

const ADMIN_PORTS = [22, 3389] as const;
const ANYWHERE = ["0.0.0.0/0", "::/0"];

export const ec2NoAdminIngress: ResourceRule = {
  kind: "resource",
  id: "ec2-no-admin-ingress",
  description: "No security group admits ports 22 or 3389 from 0.0.0.0/0 or ::/0.",
  mirrors: "checkov CKV_AWS_24, CKV_AWS_25",
  level: "mandatory",
  types: [T.securityGroup, T.securityGroupRule, T.ingressRule],
  check(r) {
    return rulesOf(r).flatMap((rule) => {
      const ports = ADMIN_PORTS.filter((p) => covers(rule, p));
      const open = rule.cidrs.filter((c) => ANYWHERE.includes(c));
      if (ports.length === 0 || open.length === 0) return [];
      return [`${rule.path} admits port ${ports.join(" and ")} from ${open.join(" and ")}`];
    });
  },
};

interface IngressRule {
  readonly path: string;
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly cidrs: string[];
}

function rulesOf(r: CheckedResource): IngressRule[] {
  const i = r.inputs;
  switch (r.type) {
    case T.securityGroup:
      return arr(i.ingress).map((x, n) => {
        const o = obj(x) ?? {};
        return {
          path: `ingress[${n}]`,
          protocol: String(o.protocol ?? ""),
          from: num(o.fromPort),
          to: num(o.toPort),
          cidrs: [...strings(o.cidrBlocks), ...strings(o.ipv6CidrBlocks)],
        };
      });
    case T.securityGroupRule:
      if (str(i.type) !== "ingress") return [];
      return [
        {
          path: "rule",
          protocol: String(i.protocol ?? ""),
          from: num(i.fromPort),
          to: num(i.toPort),
          cidrs: [...strings(i.cidrBlocks), ...strings(i.ipv6CidrBlocks)],
        },
      ];
    case T.ingressRule:
      return [
        {
          path: "rule",
          protocol: String(i.ipProtocol ?? ""),
          from: num(i.fromPort),
          to: num(i.toPort),
          cidrs: [str(i.cidrIpv4), str(i.cidrIpv6)].filter((c): c is string => c !== undefined),
        },
      ];
    default:
      return [];
  }
}

function covers(rule: IngressRule, port: number): boolean {
  const protocol = rule.protocol.toLowerCase();
  // "-1"/"all" means every protocol and port, whatever the port fields say.
  if (protocol === "-1" || protocol === "all") return true;
  if (
    isUnknown(protocol) ||
    !(protocol === "tcp" || protocol === "6" || protocol === "udp" || protocol === "17")
  ) {
    return false;
  }
  if (rule.from === undefined || rule.to === undefined) return false;
  return rule.from <= port && port <= rule.to;
}
