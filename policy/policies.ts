/**
 * The rules as `@pulumi/policy` policies: resource rules become resource validation policies,
 * stack rules stack validation policies, with the same ids and levels the offline plan reports.
 * Importing this module starts nothing; `pack.ts` hands the list to `new PolicyPack`.
 */
import type { Policies, ReportViolation } from "@pulumi/policy";
import { fromEngineResource, type EngineResource } from "./adapter";
import { resolveContext, runRule } from "./index";
import { RULES } from "./rules";
import { stackOfUrn } from "./rules/util";
import type { PolicyContext, Rule } from "./types";

/** Gives the context for a stack (by name, from the URNs). */
export type ContextLoader = (stack: string | undefined) => PolicyContext;

export function packPolicies(contextFor: ContextLoader): Policies {
  const cache = new Map<string, PolicyContext>();
  const context = (stack: string | undefined) => {
    const key = stack ?? "";
    if (!cache.has(key)) cache.set(key, contextFor(stack));
    return cache.get(key)!;
  };
  return RULES.map((rule) => {
    const common = {
      name: rule.id,
      description: `${rule.description} (${rule.mirrors})`,
      enforcementLevel: rule.level,
    };
    if (rule.kind === "resource") {
      return {
        ...common,
        validateResource: (args: unknown, report: ReportViolation) => {
          const a = args as EngineResource;
          if (!rule.types.includes(a.type)) return;
          judge(rule, [fromEngineResource(a)], context(stackOfUrn(a.urn)), report, false);
        },
      };
    }
    return {
      ...common,
      validateStack: (args: { resources: unknown[] }, report: ReportViolation) => {
        const resources = (args.resources as EngineResource[]).map(fromEngineResource);
        judge(rule, resources, context(resources.map((r) => stackOfUrn(r.urn)).find(Boolean)), report, true);
      },
    };
  });
}

function judge(
  rule: Rule,
  resources: ReturnType<typeof fromEngineResource>[],
  ctx: PolicyContext,
  report: ReportViolation,
  withUrn: boolean,
): void {
  for (const v of runRule(rule, resources, resolveContext(resources, ctx))) {
    if (withUrn) report(v.message, v.urn);
    else report(v.message);
  }
}
