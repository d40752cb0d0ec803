/**
 * A full garbage collection between stacks. Planning the shared stack's referenced outputs for an
 * environment stack leaves a heap of garbage (every shared resource's outputs) that V8 keeps
 * until it needs the room, so the environment stack's peak memory stacked on top of it: a
 * 300-service environment stack peaked at 1,035-1,040 MB without a collection in between and at
 * 820-823 MB with one (plan/bench-child.js, two runs each).
 */
import * as v8 from "v8";
import * as vm from "vm";

/**
 * Makes `collectGarbage` work in this process (node's `--expose-gc`, set at run time). Process
 * configuration: called by the plan's entry points (bin/delivery-plan.js, bench-child), never by
 * `planStacks` used as a library.
 */
export function exposeGc(): void {
  if (typeof (globalThis as { gc?: unknown }).gc === "function") return;
  v8.setFlagsFromString("--expose-gc");
  (globalThis as { gc?: unknown }).gc = vm.runInNewContext("gc");
}

/** A full collection when the process allows one (see {@link exposeGc}); otherwise nothing. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
