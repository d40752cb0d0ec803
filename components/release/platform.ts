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
import { SpecError, type EnvironmentSpec, type SpecIssue } from "../team";

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
 * The instance type of an environment's server when the spec names none: the smallest Graviton
 * types (arm64), larger for production. The server (components/aws) and the image build read
 * this one default.
 */
export function defaultInstanceType(env: Pick<EnvironmentSpec, "role">): string {
  return env.role === "production" ? "t4g.small" : "t4g.micro";
}

/** What an environment's architecture is derived from: its runtime, and its server or cluster. */
export type ArchitectureSource = Pick<EnvironmentSpec, "role" | "instanceType"> &
  Partial<Pick<EnvironmentSpec, "runtime" | "kubernetes">>;

/**
 * The CPU an environment's runtime runs: its cluster's nodes (`kubernetes.architecture`) on the
 * Kubernetes runtime, else its server's instance type.
 */
export function environmentArchitecture(env: ArchitectureSource): Architecture {
  if (env.runtime === "kubernetes" && env.kubernetes) return env.kubernetes.architecture;
  return architectureOfInstanceType(env.instanceType ?? defaultInstanceType(env));
}

/**
 * Problems with the team's architectures: an image is built once and its digest promoted through
 * every environment, so all of them must run one architecture. Each environment that differs
 * from the first is named with its key.
 */
/** What the architecture is derived from: each environment's name, role and runtime. */
export interface ArchitectureInput {
  readonly environments: readonly (ArchitectureSource & Pick<EnvironmentSpec, "name">)[];
}

export function architectureIssues(spec: ArchitectureInput): SpecIssue[] {
  const [first, ...rest] = spec.environments;
  if (!first) return [];
  const expected = environmentArchitecture(first);
  const issues: SpecIssue[] = [];
  rest.forEach((env, i) => {
    const arch = environmentArchitecture(env);
    if (arch === expected) return;
    if (env.runtime === "kubernetes" && env.kubernetes) {
      issues.push({
        path: `team.environments[${i + 1}].kubernetes.architecture`,
        message:
          `"${arch}" (the cluster's nodes), but environment "${first.name}" runs ${expected}: ` +
          `an image is built once for one architecture and promoted unchanged, so every environment ` +
          `must use the same (set kubernetes.architecture, or the servers' instanceType)`,
      });
      return;
    }
    const type = env.instanceType ?? defaultInstanceType(env);
    issues.push({
      path: `team.environments[${i + 1}].instanceType`,
      message:
        `${JSON.stringify(type)} runs ${arch}, but environment "${first.name}" runs ${expected}: ` +
        `an image is built once for one architecture and promoted unchanged, so every environment ` +
        `must use the same (Graviton types such as t4g.* are arm64; t3.*, m7i.* are amd64)`,
    });
  });
  return issues;
}

/**
 * The one architecture the team's images are built for (PR build check and image job), derived
 * from the runtimes of its environments. Throws a {@link SpecError} naming
 * `team.environments[i].instanceType` when environments disagree.
 */
export function imageArchitecture(spec: ArchitectureInput): Architecture {
  const issues = architectureIssues(spec);
  if (issues.length > 0) throw new SpecError(issues);
  const first = spec.environments[0];
  return first ? environmentArchitecture(first) : "arm64";
}
