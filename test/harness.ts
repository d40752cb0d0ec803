/**
 * What tests need from the offline plan: `planStacks` (the fake cloud is the mock engine), every
 * plan it returns checked against the JSON contract's schema (plan/contract.schema.json), and a
 * few lookups over a stack's recorded resources.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { planStacks as plan, type PlanOptions } from "../plan/runner";
import type { PlannedResource, StackPlan } from "../plan/contract";

export type { PlanOptions, PlannedResource, StackPlan };

/** The JSON Schema of one stack's plan (plan/CONTRACT.md). */
export const CONTRACT_SCHEMA = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "plan", "contract.schema.json"), "utf8"),
);
const validate = new Ajv({ allErrors: true, strict: true }).compile(CONTRACT_SCHEMA);

/** Problems of a plan's JSON against the contract's schema, as `path: message` lines ([] = valid). */
export function contractErrors(json: unknown): string[] {
  // Through JSON text, as users read it: no `undefined`, no class instances.
  if (validate(JSON.parse(JSON.stringify(json)))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message}`);
}

/**
 * planStacks, with every plan checked against the contract's schema.
 *
 * While it plans, this test context keeps no stack frames: the SDK records one for every promise
 * it makes, and through jest's source-map-aware formatting that is most of a large plan's time
 * (bin/delivery-plan.js configures its process the same way). Assertions keep theirs.
 */
export async function planStacks(opts: PlanOptions): Promise<StackPlan[]> {
  const limit = Error.stackTraceLimit;
  if (process.env.PLAN_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
  let plans: StackPlan[];
  try {
    plans = await plan(opts);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const p of plans) {
    const errors = contractErrors(p);
    if (errors.length > 0)
      throw new Error(`plan of ${p.stack} breaks plan/contract.schema.json:\n${errors.join("\n")}`);
  }
  return plans;
}

/** The fields every resource has in the plan's JSON contract (plan/CONTRACT.md). */
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
