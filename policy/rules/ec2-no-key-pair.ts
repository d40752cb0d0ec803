/**
 * ec2-no-key-pair — an SSH key pair is a long-lived credential outside the team's identity
 * provider; shell access goes through SSM Session Manager (audited, IAM-controlled). No checkov
 * id: mirrors AWS Well-Architected SEC (no long-lived credentials). Mandatory.
 */
import type { ResourceRule } from "../types";
import { isUnknown, show, T } from "./util";

export const ec2NoKeyPair: ResourceRule = {
  kind: "resource",
  id: "ec2-no-key-pair",
  description: "EC2 instances and launch templates name no SSH key pair (use SSM Session Manager).",
  mirrors: "no checkov id (SSM Session Manager instead of SSH keys, AWS Well-Architected SEC)",
  level: "mandatory",
  types: [T.instance, T.launchTemplate],
  check(r) {
    const key = r.inputs.keyName;
    if (key === undefined || key === null || key === "" || isUnknown(key)) return [];
    return [`keyName is ${show(key)}; remove it and use SSM Session Manager`];
  },
};
