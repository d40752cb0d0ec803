/**
 * The CPU an image is built for. An image is built once and the same digest is promoted to every
 * environment, so every runtime of a team must run the same architecture; the build (PR check and
 * image job) and the server's AMI both take it from here.
 *
 * EC2's naming: a Graviton (arm64) type carries `g` among the attribute letters after the
 * generation digit (`t4g`, `m7gd`, `c6gn`, `im4gn`, `is4gen`) or is the first Graviton family `a1`;
 * `g4dn`/`g5` are x86 GPU families whose `g` is the family letter, before the digit.
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */

export type Architecture = "arm64" | "amd64";

/** `docker buildx build --platform` value of an architecture. */
export function dockerPlatform(arch: Architecture): `linux/${Architecture}` {
  return `linux/${arch}`;
}

/** Amazon Linux 2023's public SSM parameter of the latest AMI for an architecture. */
export function al2023AmiParameter(arch: Architecture): string {
  const suffix = arch === "arm64" ? "arm64" : "x86_64";
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${suffix}`;
}

const GRAVITON = /^(?:a1|[a-z]+[0-9]+[a-z]*g[a-z]*(?:-[a-z]+)?)\.[a-z0-9]+$/;

/** Architecture of an EC2 instance type, from its name. */
export function architectureOfInstanceType(instanceType: string): Architecture {
  return GRAVITON.test(instanceType) ? "arm64" : "amd64";
}
