/**
 * Support for the guardrails tests (fuzz, bad input, secrets, rename): plan with the real program
 * and get a config error back as a value.
 *
 * Why the wrapper: when the program throws inside `runInPulumiStack`, the SDK leaves copies of
 * the rejection unhandled; under jest (whose sandboxed `process` never reaches the runner's
 * filtering handler) they fail whichever test is running. Catching the error in the program
 * itself keeps the SDK's promises resolved while the test still sees exactly what the program
 * threw.
 */
import { configIssues } from "../plan/runner";
import { planStacks, type PlanOptions, type StackPlan } from "./harness";
import type { SpecIssue } from "../components/team";
import { program } from "../stacks/program";

export type PlanOutcome =
  | { readonly ok: true; readonly plans: StackPlan[] }
  | { readonly ok: false; readonly error: Error; readonly issues?: readonly SpecIssue[] };

/** Plans `opts.stacks` with the real program; a program error comes back as a value. */
export async function planOutcome(opts: Omit<PlanOptions, "program">): Promise<PlanOutcome> {
  let thrown: unknown;
  const guarded = async () => {
    try {
      return await program();
    } catch (err) {
      thrown ??= err;
      return {};
    }
  };
  let plans: StackPlan[];
  try {
    plans = await planStacks({ ...opts, program: guarded });
  } catch (err) {
    thrown ??= err;
    plans = [];
  }
  if (thrown === undefined) return { ok: true, plans };
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  return { ok: false, error, issues: configIssues(error) };
}
