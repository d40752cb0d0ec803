/**
 * ecr-scan-on-push — every pushed image is scanned for known vulnerabilities before it can be
 * promoted. Mirrors checkov CKV_AWS_163. Mandatory.
 */
import type { ResourceRule } from "../types";
import { isUnknown, obj, T } from "./util";

export const ecrScanOnPush: ResourceRule = {
  kind: "resource",
  id: "ecr-scan-on-push",
  description: "ECR repositories scan images on push, so vulnerable images are visible before promotion.",
  mirrors: "checkov CKV_AWS_163",
  level: "mandatory",
  types: [T.ecrRepository],
  check(r) {
    const config = r.inputs.imageScanningConfiguration;
    if (isUnknown(config)) return [];
    const scan = obj(config)?.scanOnPush;
    if (scan === true || isUnknown(scan)) return [];
    return ["imageScanningConfiguration.scanOnPush is not true"];
  },
};
