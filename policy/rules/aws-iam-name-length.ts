/**
 * aws-iam-name-length — IAM refuses names over its limits, and a Pulumi auto-name is 8
 * characters longer than the logical name. IAM quotas
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, "IAM object
 * names and character limits"): role name 64 characters, instance profile name 128, (managed
 * and inline) policy name 128, path 512; names take letters, digits and `+=,.@_-`. When `name`
 * is not given, the bridged provider appends "-" and 7 random characters to the logical name
 * and fails the preview when that passes the maximum (pulumi-terraform-bridge
 * `pkg/tfbridge/names.go` `AutoName`); `namePrefix` gets a 26-character suffix (role
 * `name_prefix` is therefore at most 38). Mandatory.
 */
import type { ResourceRule } from "../types";
import { fromKeys, physicalName, specKeysIn } from "./preflight";
import { str, T } from "./util";

const LIMITS: Record<string, { what: string; max: number }> = {
  [T.role]: { what: "role name", max: 64 },
  [T.instanceProfile]: { what: "instance profile name", max: 128 },
  [T.iamPolicy]: { what: "policy name", max: 128 },
  [T.rolePolicy]: { what: "inline policy name", max: 128 },
};
const PATH_LIMIT = 512;
const NAME_CHARACTERS = /^[\w+=,.@-]+$/;

export const awsIamNameLength: ResourceRule = {
  kind: "resource",
  id: "aws-iam-name-length",
  description:
    "IAM role names fit 64 characters (128 for policies and instance profiles), Pulumi's 8-character auto-name suffix included.",
  mirrors: "AWS IAM quotas (preflight)",
  level: "mandatory",
  types: Object.keys(LIMITS),
  check(r, ctx) {
    const limit = LIMITS[r.type];
    const out: string[] = [];
    const name = physicalName(r);
    if (name && name.length > limit.max) {
      const how =
        name.generated === "auto"
          ? `the logical name ${JSON.stringify(r.name)} (${r.name.length}) plus Pulumi's "-" and 7 random characters`
          : name.generated === "prefix"
            ? `namePrefix plus a 26-character unique suffix`
            : `${JSON.stringify(name.name)}`;
      out.push(
        `${limit.what} would be ${name.length} characters (${how}); IAM allows ${limit.max}. ` +
          `Shorten ${specKeysIn(`${r.name}/${str(r.inputs.name) ?? ""}`, ctx).join(" or ") || "the name"}`,
      );
    }
    if (name && name.generated === "no" && !NAME_CHARACTERS.test(name.name))
      out.push(`${limit.what} ${JSON.stringify(name.name)} may hold only letters, digits and +=,.@_-`);
    const path = str(r.inputs.path);
    if (path !== undefined && path.length > PATH_LIMIT)
      out.push(`path is ${path.length} characters; IAM allows ${PATH_LIMIT}${fromKeys(path, ctx)}`);
    return out;
  },
};
