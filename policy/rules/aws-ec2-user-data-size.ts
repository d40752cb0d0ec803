/**
 * aws-ec2-user-data-size — EC2 refuses user data over 16 KB. AWS: "User data is limited to 16
 * KB, in raw form, before it is base64-encoded. The size of a string of length n after
 * base64-encoding is ceil(n/3)*4."
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html
 * (RunInstances answers `InvalidParameterValue`/"Member must have length less than or equal to
 * 21847" for the base64 form.) 16 KB is read as 16,384 bytes of the UTF-8 text. Judged:
 * `aws.ec2.Instance` `userData` (raw text; the provider base64-encodes it) and
 * `userDataBase64`, `aws.ec2.LaunchTemplate` `userData` (already base64). Mandatory: the first
 * `up` of the environment fails.
 */
import type { ResourceRule } from "../types";
import { n, servicesKey } from "./preflight";
import { str, T } from "./util";

export const USER_DATA_LIMIT_BYTES = 16 * 1024;

export const awsEc2UserDataSize: ResourceRule = {
  kind: "resource",
  id: "aws-ec2-user-data-size",
  description: "EC2 user data is at most 16 KB before base64 (AWS refuses the launch otherwise).",
  mirrors: "AWS EC2 RunInstances limit (preflight)",
  level: "mandatory",
  types: [T.instance, T.launchTemplate],
  check(r, ctx) {
    const raw = str(r.inputs.userData);
    const b64 = str(r.inputs.userDataBase64);
    let bytes: number | undefined;
    let field = "userData";
    if (r.type === T.instance && raw !== undefined) bytes = Buffer.byteLength(raw, "utf8");
    else if (r.type === T.instance && b64 !== undefined) {
      bytes = Buffer.from(b64, "base64").length;
      field = "userDataBase64";
    } else if (r.type === T.launchTemplate && raw !== undefined) bytes = Buffer.from(raw, "base64").length;
    if (bytes === undefined || bytes <= USER_DATA_LIMIT_BYTES) return [];
    return [
      `${field} is ${n(bytes)} bytes; EC2 accepts at most ${n(USER_DATA_LIMIT_BYTES)} (16 KB, raw, before base64). ` +
        `It grows with ${servicesKey(ctx)} on this server: run fewer services per environment server ` +
        `(split the team) or deliver the deploy agent by SSM instead of user data`,
    ];
  },
};
