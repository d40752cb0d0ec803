/**
 * ec2-imdsv2 — IMDSv1 answers any request that reaches it, so an SSRF in a service leaks the
 * instance role's credentials; IMDSv2 needs a session token. Mirrors checkov CKV_AWS_79. Mandatory.
 */
import type { ResourceRule } from "../types";
import { isUnknown, obj, show, T } from "./util";

export const ec2Imdsv2: ResourceRule = {
  kind: "resource",
  id: "ec2-imdsv2",
  description: "EC2 instances and launch templates require IMDSv2 session tokens.",
  mirrors: "checkov CKV_AWS_79",
  level: "mandatory",
  types: [T.instance, T.launchTemplate],
  check(r) {
    const options = r.inputs.metadataOptions;
    if (isUnknown(options)) return [];
    const o = obj(options);
    if (o?.httpEndpoint === "disabled") return [];
    const tokens = o?.httpTokens;
    if (tokens === "required" || isUnknown(tokens)) return [];
    return [
      `metadataOptions.httpTokens is ${tokens === undefined ? "unset (IMDSv1 allowed)" : show(tokens)}; set "required"`,
    ];
  },
};
