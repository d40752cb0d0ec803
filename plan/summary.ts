/**
 * What a stack deploys, read from the same config the program reads (team spec, role,
 * environment), for the text output and the diagram. Presentation only: the program itself
 * decides what to create.
 */
import { validateTeamSpec, type SpecIssue, type TeamSpec } from "../components/team";
import { deploymentOf, releasePolicy, type ReleasePolicy } from "../components/release";
import type { DeploymentSummary } from "./text";

export type StackSummary =
  | {
      ok: true;
      spec: TeamSpec;
      policy: ReleasePolicy;
      role: "shared" | "environment";
      /** The environment an environment stack provisions. */
      environment?: string;
      deployment?: DeploymentSummary;
    }
  | { ok: false; issues: readonly SpecIssue[] };

export function deploymentSummary(
  cfg: { project: string; config: Record<string, string> },
  stack?: string,
): StackSummary {
  const key = (k: string) => cfg.config[`${cfg.project}:${k}`];
  let raw: unknown;
  try {
    raw = key("team") === undefined ? undefined : JSON.parse(key("team")!);
  } catch {
    return {
      ok: false,
      issues: [{ path: `${cfg.project}:team`, message: "must be an object (YAML mapping)" }],
    };
  }
  const result = validateTeamSpec(raw);
  if (!result.ok) return { ok: false, issues: result.issues };
  const policy = releasePolicy(result.spec);
  // The program's defaults (stacks/config.ts): `shared` is the shared stack, any other stack an
  // environment named like the stack unless `environment` says otherwise.
  const role: "shared" | "environment" =
    key("role") === "shared" || (key("role") === undefined && stack === "shared") ? "shared" : "environment";
  const environment = role === "environment" ? (key("environment") ?? stack) : undefined;
  const base = { ok: true as const, spec: result.spec, policy, role, environment };
  if (!environment || !result.spec.environments.some((e) => e.name === environment)) return base;
  return {
    ...base,
    deployment: {
      deployment: deploymentOf(policy, environment),
      services: result.spec.services.map((s) => s.name),
    },
  };
}
