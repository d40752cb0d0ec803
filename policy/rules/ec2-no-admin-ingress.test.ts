import { ec2NoAdminIngress as rule } from "./ec2-no-admin-ingress";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes service ports from anywhere and SSH from a private range", () => {
    const sg = res(T.securityGroup, {
      ingress: [
        {
          protocol: "tcp",
          fromPort: 8080,
          toPort: 8081,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: ["::/0"],
        },
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] },
      ],
    });
    expect(messages(rule, [sg])).toEqual([]);
    expect(
      messages(rule, [
        res(T.ingressRule, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
      ]),
    ).toEqual([]);
    expect(
      messages(rule, [
        res(T.securityGroupRule, {
          type: "egress",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        }),
      ]),
    ).toEqual([]);
  });
  it("fires on inline SSH from 0.0.0.0/0, a range covering RDP from ::/0, and all traffic", () => {
    expect(
      messages(rule, [
        res(T.securityGroup, {
          ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
        }),
      ]),
    ).toEqual(["ingress[0] admits port 22 from 0.0.0.0/0"]);
    expect(
      messages(rule, [
        res(T.ingressRule, { ipProtocol: "tcp", fromPort: 3000, toPort: 4000, cidrIpv6: "::/0" }),
      ]),
    ).toEqual(["rule admits port 3389 from ::/0"]);
    expect(
      messages(rule, [
        res(T.securityGroupRule, {
          type: "ingress",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        }),
      ]),
    ).toEqual(["rule admits port 22 and 3389 from 0.0.0.0/0"]);
  });
});
