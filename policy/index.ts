/**
 * The policy pack's rules as plain functions, so the offline plan runs them over its recorded
 * resources without starting the policy server (`pack.ts` is the real pack's entry point and the
 * only module that constructs a `PolicyPack`).
 */
import { RULES } from "./rules";
import { stackOfUrn } from "./rules/util";
import type { CheckedResource, PolicyContext, Rule, RuleContext, Violation } from "./types";

export type {
  CheckedResource,
  Finding,
  Lookup,
  PolicyContext,
  PolicyLevel,
  ResourceRule,
  Rule,
  RuleContext,
  StackRule,
  Violation,
} from "./types";
export { RULES } from "./rules";

/**
 * Runs every rule over a stack's resources. Never throws: a rule that fails on odd input is
 * reported as a mandatory violation of that rule, so a broken check cannot pass silently.
 *
 * @param context what the rules may know beyond the resources (team spec, release policy, the
 *   stack's role and environment); rules that need a missing field judge what they can.
 */
export function checkResources(
  resources: readonly CheckedResource[],
  context: PolicyContext = {},
): Violation[] {
  const ctx = resolveContext(resources, context);
  const violations: Violation[] = [];
  for (const rule of RULES) violations.push(...runRule(rule, resources, ctx));
  return violations;
}

/** Runs one rule; exported for the pack and the per-rule tests. */
export function runRule(rule: Rule, resources: readonly CheckedResource[], ctx: RuleContext): Violation[] {
  const found = (urn: string, message: string): Violation => ({
    policy: rule.id,
    level: rule.level,
    urn,
    message,
  });
  const failed = (urn: string, err: unknown): Violation => ({
    policy: rule.id,
    level: "mandatory",
    urn,
    message: `the rule failed: ${errorText(err)}`,
  });
  if (rule.kind === "resource") {
    const out: Violation[] = [];
    for (const r of resources) {
      if (!rule.types.includes(r.type)) continue;
      try {
        out.push(...rule.check(r, ctx).map((m) => found(r.urn, m)));
      } catch (err) {
        out.push(failed(r.urn, err));
      }
    }
    return out;
  }
  try {
    return rule.check(resources, ctx).map((f) => found(f.urn, f.message));
  } catch (err) {
    return [failed(resources[0]?.urn ?? "", err)];
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Fills in the stack's role and environment: the stack name in the URNs is `shared` for the
 * shared stack and, by the project's convention, the environment's name for an environment stack
 * (`delivery-workflow:environment` may say otherwise: then pass `environment`).
 */
export function resolveContext(resources: readonly CheckedResource[], context: PolicyContext): RuleContext {
  const stack = resources.map((r) => stackOfUrn(r.urn)).find((s) => s !== undefined);
  let role = context.role;
  let environment = context.environment;
  if (!role && environment) role = "environment";
  if (!role && stack === "shared") role = "shared";
  if (!role && stack && context.spec?.environments.some((e) => e.name === stack)) role = "environment";
  if (role === "environment" && !environment) environment = stack;
  return {
    spec: context.spec,
    policy: context.policy,
    role,
    environment,
    secretsMarked: context.secretsMarked ?? true,
    automationAppId: context.automationAppId,
    lookups: context.lookups,
    githubAppPermissions: context.githubAppPermissions,
    stackConfig: context.stackConfig,
  };
}
