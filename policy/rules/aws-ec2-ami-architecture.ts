/**
 * aws-ec2-ami-architecture — an instance type runs only AMIs of its own architecture: EC2 refuses
 * `RunInstances` with "The architecture 'x86_64' of the specified instance type does not match
 * the architecture 'arm64' of the specified AMI". The instance type's architecture comes from
 * its name (`architectureOfInstanceType`, components/release/platform.ts, which cites
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html); the AMI's
 * from the lookup that resolved it: Amazon Linux's public SSM parameter
 * (`al2023AmiParameter(arch)`: `/aws/service/ami-amazon-linux-latest/…-arm64|-x86_64`) or
 * `aws.ec2.getAmi`'s `architecture`. Lookups reach the rule through `PolicyContext.lookups`
 * (the offline plan records the function calls the program made); where no lookup names the
 * AMI (the real policy pack sees no invokes), the rule cannot know and stays silent.
 * Mandatory.
 */
import { architectureOfInstanceType, type Architecture } from "../../components/release/platform";
import type { Lookup, ResourceRule, RuleContext } from "../types";
import { environmentKey } from "./preflight";
import { str, T } from "./util";

const AL_PARAMETER = /^\/aws\/service\/ami-amazon-linux-latest\/.*-(arm64|x86_64)(?:-[a-z0-9]+)?$/;

/** AMI id → architecture, from the lookups the program made. */
export function amiArchitectures(lookups: readonly Lookup[] = []): Map<string, Architecture> {
  const out = new Map<string, Architecture>();
  for (const l of lookups) {
    if (l.token === "aws:ssm/getParameter:getParameter") {
      const m = AL_PARAMETER.exec(String(l.inputs.name ?? ""));
      const value = str(l.outputs.value) ?? str(l.outputs.insecureValue);
      if (m && value) out.set(value, m[1] === "arm64" ? "arm64" : "amd64");
    } else if (l.token === "aws:ec2/getAmi:getAmi") {
      const arch = str(l.outputs.architecture);
      const id = str(l.outputs.id) ?? str(l.outputs.imageId);
      if (id && (arch === "arm64" || arch === "x86_64")) out.set(id, arch === "arm64" ? "arm64" : "amd64");
    }
  }
  return out;
}

const AWS_NAME: Record<Architecture, string> = { arm64: "arm64", amd64: "x86_64" };

function instanceTypeKey(ctx: RuleContext): string {
  const env = environmentKey(ctx);
  return env ? `${env}.instanceType` : "team.environments[].instanceType";
}

export const awsEc2AmiArchitecture: ResourceRule = {
  kind: "resource",
  id: "aws-ec2-ami-architecture",
  description:
    "An instance's type and its AMI have the same CPU architecture (EC2 refuses the launch otherwise).",
  mirrors: "AWS EC2 RunInstances refusal (preflight)",
  level: "mandatory",
  types: [T.instance, T.launchTemplate],
  check(r, ctx) {
    const type = str(r.inputs.instanceType);
    const ami = r.type === T.instance ? str(r.inputs.ami) : str(r.inputs.imageId);
    if (!type || !ami) return [];
    const amiArch = amiArchitectures(ctx.lookups).get(ami);
    if (!amiArch) return [];
    const typeArch = architectureOfInstanceType(type);
    if (typeArch === amiArch) return [];
    const fix =
      amiArch === "arm64"
        ? "a Graviton type (t4g.micro, t4g.small, m7g.large, …)"
        : "an x86_64 type (t3.micro, t3a.small, m7i.large, …)";
    return [
      `instance type ${JSON.stringify(type)} is ${AWS_NAME[typeArch]} but AMI ${ami} is ${AWS_NAME[amiArch]}: ` +
        `EC2 refuses to launch it. Set ${instanceTypeKey(ctx)} to ${fix}`,
    ];
  },
};
