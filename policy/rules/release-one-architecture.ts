/**
 * release-one-architecture — an image is built once and the same digest is promoted to every
 * environment (components/release/platform.ts: "every runtime of a team must run the same
 * architecture"), so environments whose instance types differ in architecture would each be
 * green and then fail at deploy time ("exec format error") on the ones the image was not built
 * for. The architecture of an instance type comes from its name (`architectureOfInstanceType`);
 * an environment without `instanceType` runs the program's default, a Graviton t4g
 * (components/aws/environment-server.ts `defaultInstanceType`: arm64). Judged on the spec, in
 * every stack. Mandatory.
 */
import { architectureOfInstanceType, type Architecture } from "../../components/release/platform";
import type { StackRule } from "../types";
import { stackUrn } from "./preflight";

/** `defaultInstanceType` (components/aws) picks t4g.small or t4g.micro: Graviton. */
const DEFAULT_ARCHITECTURE: Architecture = "arm64";
const AWS_NAME: Record<Architecture, string> = { arm64: "arm64", amd64: "x86_64" };

export const releaseOneArchitecture: StackRule = {
  kind: "stack",
  id: "release-one-architecture",
  description:
    "Every environment's servers share one CPU architecture: one image digest is promoted to all of them.",
  mirrors: "project invariant (build once, promote the digest)",
  level: "mandatory",
  check(resources, ctx) {
    const urn = stackUrn(resources);
    const envs = ctx.spec?.environments;
    if (!urn || !envs || envs.length < 2) return [];
    const archs = envs.map((e) =>
      e.instanceType === undefined ? DEFAULT_ARCHITECTURE : architectureOfInstanceType(e.instanceType),
    );
    const first = archs[0];
    const describe = (i: number) =>
      `team.environments[${i}] (${envs[i].name}, ${envs[i].instanceType ?? "the default t4g"}) runs ${AWS_NAME[archs[i]]}`;
    return archs.flatMap((arch, i) =>
      arch === first
        ? []
        : [
            {
              urn,
              message:
                `${describe(i)} but ${describe(0)}: one image, built once and promoted by digest, cannot run on both. ` +
                `Set team.environments[${i}].instanceType to a${first === "arm64" ? " Graviton (t4g, m7g, …)" : "n x86_64 (t3, m7i, …)"} type`,
            },
          ],
    );
  },
};
