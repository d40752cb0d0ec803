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
import type { EnvironmentSpec, SpecIssue, TeamSpec } from "../team";

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

/**
 * Architecture an environment runs: its Kubernetes nodes' (`kubernetes.architecture`), or its
 * server's instance type (the server runtime's default types, t4g.micro and t4g.small in
 * components/aws/environment-server.ts, are Graviton: arm64).
 */
export function environmentArchitecture(env: EnvironmentSpec): Architecture {
  if (env.runtime === "kubernetes" && env.kubernetes) return env.kubernetes.architecture;
  return architectureOfInstanceType(
    env.instanceType ?? (env.role === "production" ? "t4g.small" : "t4g.micro"),
  );
}

/**
 * One image per commit is promoted to every environment, so every environment must run the same
 * architecture. A mixed team (a server here, Kubernetes there) must say so explicitly.
 */
export function architectureIssues(spec: TeamSpec): SpecIssue[] {
  const [first, ...rest] = spec.environments;
  const expected = environmentArchitecture(first);
  return rest.flatMap((env) => {
    const arch = environmentArchitecture(env);
    if (arch === expected) return [];
    const i = spec.environments.indexOf(env);
    const key = env.runtime === "kubernetes" ? "kubernetes.architecture" : "instanceType";
    return [
      {
        path: `team.environments[${i}].${key}`,
        message: `runs ${arch} but environment ${JSON.stringify(first.name)} runs ${expected}: the image is built once for one architecture (set every server's instanceType and every cluster's kubernetes.architecture to one architecture)`,
      },
    ];
  });
}
