/**
 * What tests need from the offline plan: `planStacks` (the fake cloud is the mock engine) and a
 * few lookups over a stack's recorded resources.
 */
import type { PlannedResource, StackPlan } from "../plan/runner";

export { planStacks, type PlanOptions, type PlannedResource, type StackPlan } from "../plan/runner";

/** The fields every resource has in the plan's JSON contract (../shared/DESIGN.md). */
export const CONTRACT_RESOURCE_FIELDS = [
  "urn",
  "type",
  "name",
  "parent",
  "provider",
  "custom",
  "inputs",
  "protect",
  "retainOnDelete",
  "dependsOn",
  "aliases",
  "ignoreChanges",
] as const;

/** Every resource of a type token, in registration order. */
export function byType(plan: StackPlan, token: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === token);
}

/** The one resource of `token` named `name`; throws (listing what there is) when it is missing. */
export function find(plan: StackPlan, token: string, name: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === token && r.name === name);
  if (found.length === 1) return found[0];
  const names = byType(plan, token).map((r) => r.name);
  throw new Error(
    found.length === 0
      ? `no ${token} named ${JSON.stringify(name)} in stack ${plan.stack} (there are: ${names.join(", ") || "none"})`
      : `${found.length} resources ${token} named ${JSON.stringify(name)} in stack ${plan.stack}`,
  );
}

/** Direct children of the resource with URN `urn`. */
export function childrenOf(plan: StackPlan, urn: string): PlannedResource[] {
  return plan.resources.filter((r) => r.parent === urn);
}
