/**
 * aws-cloudwatch-log-group-name — CloudWatch Logs refuses log group names outside 1-512
 * characters of `[\.\-_/#A-Za-z0-9]+` (`CreateLogGroup` `logGroupName`:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html;
 * the allowed characters are a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'), and names starting with
 * `aws/` are reserved for AWS services. Mandatory.
 */
import type { ResourceRule } from "../types";
import { fromKeys } from "./preflight";
import { str, T } from "./util";

export const awsCloudwatchLogGroupName: ResourceRule = {
  kind: "resource",
  id: "aws-cloudwatch-log-group-name",
  description: "CloudWatch log group names are 1-512 characters of [.-_/#A-Za-z0-9] and not under aws/.",
  mirrors: "Amazon CloudWatch Logs CreateLogGroup constraints (preflight)",
  level: "mandatory",
  types: [T.logGroup],
  check(r, ctx) {
    const name = str(r.inputs.name);
    if (name === undefined) return [];
    const out: string[] = [];
    const keys = fromKeys(name, ctx);
    if (name.length < 1 || name.length > 512)
      out.push(`name is ${name.length} characters; CloudWatch Logs takes 1 to 512${keys}`);
    if (!/^[.\-_/#A-Za-z0-9]+$/.test(name))
      out.push(`name ${JSON.stringify(name)} may hold only a-z, A-Z, 0-9 and . - _ / #${keys}`);
    if (/^aws\//i.test(name))
      out.push(`name ${JSON.stringify(name)} starts with "aws/", reserved for AWS services`);
    return out;
  },
};
