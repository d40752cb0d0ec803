/**
 * ec2-encrypted-volumes — an unencrypted volume or its snapshots expose data to anyone who gets
 * the snapshot. Mirrors checkov CKV_AWS_8 (launch configurations / instances). Mandatory.
 */
import type { CheckedResource, ResourceRule } from "../types";
import { arr, isUnknown, obj, T } from "./util";

export const ec2EncryptedVolumes: ResourceRule = {
  kind: "resource",
  id: "ec2-encrypted-volumes",
  description: "EC2 root and EBS volumes are encrypted.",
  mirrors: "checkov CKV_AWS_8",
  level: "mandatory",
  types: [T.instance, T.launchTemplate],
  check(r) {
    return r.type === T.instance ? instance(r) : launchTemplate(r);
  },
};

function encrypted(v: unknown): boolean {
  return v === true || isUnknown(v);
}

function instance(r: CheckedResource): string[] {
  const out: string[] = [];
  const root = r.inputs.rootBlockDevice;
  // An instance launched from a template inherits the template's volumes (judged there).
  const fromTemplate = r.inputs.launchTemplate !== undefined;
  if (!isUnknown(root) && !(root === undefined && fromTemplate) && !encrypted(obj(root)?.encrypted)) {
    out.push("rootBlockDevice.encrypted is not true");
  }
  arr(r.inputs.ebsBlockDevices).forEach((d, i) => {
    if (!encrypted(obj(d)?.encrypted)) out.push(`ebsBlockDevices[${i}].encrypted is not true`);
  });
  return out;
}

function launchTemplate(r: CheckedResource): string[] {
  const out: string[] = [];
  arr(r.inputs.blockDeviceMappings).forEach((m, i) => {
    const ebs = obj(m)?.ebs;
    if (ebs === undefined) return; // instance-store mapping
    // Launch templates carry the flag as a string ("true") in the AWS API, a boolean in the SDK.
    const flag = obj(ebs)?.encrypted;
    if (!(encrypted(flag) || flag === "true"))
      out.push(`blockDeviceMappings[${i}].ebs.encrypted is not true`);
  });
  return out;
}
