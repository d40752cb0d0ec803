import { al2023AmiParameter } from "../../components/release/platform";
import { amiArchitectures, awsEc2AmiArchitecture as rule } from "./aws-ec2-ami-architecture";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";
import type { Lookup } from "../types";

const parameter = (arch: "arm64" | "amd64", ami: string): Lookup => ({
  token: "aws:ssm/getParameter:getParameter",
  inputs: { name: al2023AmiParameter(arch) },
  outputs: { value: ami },
});
const instance = (instanceType: string, ami: string) =>
  res(T.instance, { instanceType, ami }, { stack: "production" });

describe(rule.id, () => {
  it("reads the AMI's architecture from the AL2023 parameter or getAmi", () => {
    const map = amiArchitectures([
      parameter("arm64", "ami-arm"),
      parameter("amd64", "ami-x86"),
      { token: "aws:ec2/getAmi:getAmi", inputs: {}, outputs: { id: "ami-other", architecture: "x86_64" } },
    ]);
    expect([...map]).toEqual([
      ["ami-arm", "arm64"],
      ["ami-x86", "amd64"],
      ["ami-other", "amd64"],
    ]);
  });
  it("passes matching architectures", () => {
    const lookups = [parameter("arm64", "ami-arm"), parameter("amd64", "ami-x86")];
    expect(messages(rule, [instance("t4g.small", "ami-arm")], { lookups })).toEqual([]);
    expect(messages(rule, [instance("t3.micro", "ami-x86")], { lookups })).toEqual([]);
  });
  it("fires on an x86 type with an arm64 AMI, naming the environment's instanceType key", () => {
    const ctx = referenceContext({ lookups: [parameter("arm64", "ami-arm")] });
    expect(messages(rule, [instance("t3.micro", "ami-arm")], ctx)).toEqual([
      'instance type "t3.micro" is x86_64 but AMI ami-arm is arm64: EC2 refuses to launch it. Set team.environments[2].instanceType to a Graviton type (t4g.micro, t4g.small, m7g.large, …)',
    ]);
  });
  it("stays silent when no lookup says what the AMI is", () => {
    expect(messages(rule, [instance("t3.micro", "ami-unknown")], referenceContext())).toEqual([]);
  });
});
