/**
 * aws-ssm-parameter-limits — Parameter Store refuses names and values past its limits.
 * `PutParameter` (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html,
 * read through the SDK docs that carry its model): names take only `a-zA-Z0-9_.-` and `/`,
 * can't be prefixed with "aws" or "ssm" (case-insensitive), hierarchies are at most fifteen
 * levels deep, and "the reported maximum length of 2048 characters for a parameter name
 * includes 1037 characters that are reserved for internal use", leaving 1,011 for the name;
 * values: 4 KB on the standard tier, 8 KB on the advanced tier; description 1,024. Judged:
 * `aws.ssm.Parameter` (`value` and `insecureValue`). Mandatory.
 */
import type { ResourceRule } from "../types";
import { fromKeys, n } from "./preflight";
import { str, T } from "./util";

const NAME_MAX = 1011;
const DEPTH_MAX = 15;
const VALUE_MAX = { Standard: 4096, Advanced: 8192 } as const;
const DESCRIPTION_MAX = 1024;

export const awsSsmParameterLimits: ResourceRule = {
  kind: "resource",
  id: "aws-ssm-parameter-limits",
  description: "SSM parameter names, depth, values and descriptions stay within Parameter Store's limits.",
  mirrors: "AWS Systems Manager PutParameter constraints (preflight)",
  level: "mandatory",
  types: [T.ssmParameter],
  check(r, ctx) {
    const out: string[] = [];
    const name = str(r.inputs.name);
    if (name !== undefined) {
      const keys = fromKeys(name, ctx);
      if (name.length > NAME_MAX)
        out.push(`name is ${name.length} characters; Parameter Store allows ${n(NAME_MAX)}${keys}`);
      if (!/^[a-zA-Z0-9_.\-/]+$/.test(name))
        out.push(`name ${JSON.stringify(name)} may hold only a-z, A-Z, 0-9, _ . - and /${keys}`);
      if (/^\/?(aws|ssm)/i.test(name))
        out.push(
          `name ${JSON.stringify(name)} starts with "aws" or "ssm", which Parameter Store reserves${keys}`,
        );
      const depth = name.split("/").filter(Boolean).length;
      if (depth > DEPTH_MAX)
        out.push(
          `name ${JSON.stringify(name)} is ${depth} levels deep; Parameter Store allows ${DEPTH_MAX}${keys}`,
        );
    }
    const tier = str(r.inputs.tier) === "Advanced" ? "Advanced" : "Standard";
    for (const field of ["value", "insecureValue"] as const) {
      const value = str(r.inputs[field]);
      if (value === undefined || value === "[secret]") continue;
      const bytes = Buffer.byteLength(value, "utf8");
      if (bytes > VALUE_MAX[tier])
        out.push(`${field} is ${n(bytes)} bytes; the ${tier} tier allows ${n(VALUE_MAX[tier])}`);
    }
    const description = str(r.inputs.description);
    if (description !== undefined && description.length > DESCRIPTION_MAX)
      out.push(
        `description is ${description.length} characters; Parameter Store allows ${n(DESCRIPTION_MAX)}`,
      );
    return out;
  },
};
