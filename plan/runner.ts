/**
 * The offline plan: runs the real program (stacks/program.ts) against the mock engine and the
 * fake cloud, stack after stack in one process (the SDK and program load once), and returns each
 * stack's plan in the JSON contract of plan/CONTRACT.md.
 *
 * An environment stack reads the shared stack through a StackReference: it is answered with the
 * shared stack's outputs, planned in this process once (outputs only, when the shared stack was
 * not asked for itself).
 */
import * as path from "path";
import { discoverStacks as discover, resolveSettings } from "../components/settings";
import { PlanError, stackConfig as configOf, type ConfigOverrides } from "./config";
import type { StackPlan } from "./contract";
import { readFacts } from "./facts";
import { collectGarbage } from "./gc";
import type { ReferencedOutputs } from "./mock-engine";
import { OutputCache } from "./output-cache";
import { runStack, type StackRun } from "./stack-run";

export { configIssues, PlanError, stackConfig } from "./config";
export type { Assumption, PlannedResource, StackPlan } from "./contract";

/** Options of {@link planStacks}. */
export interface PlanOptions extends ConfigOverrides {
  /** Stacks to plan, e.g. ["shared", "staging"]. */
  readonly stacks: readonly string[];
  /** Project directory holding Pulumi.yaml and Pulumi.<stack>.yaml. @default the package root */
  readonly dir?: string;
  /** Program to plan instead of stacks/program.ts (tests of the runner itself). */
  readonly program?: () => unknown;
  /**
   * Keep referenced stacks' outputs here (plan/output-cache.ts), so an environment stack planned
   * alone does not plan the shared stack again. Never used with `program`. @default no cache
   */
  readonly cacheDir?: string;
}

/** The package root (holds Pulumi.yaml), from sources (plan/) or from dist/plan/. */
const PACKAGE_ROOT = ((): string => {
  for (let dir = path.resolve(__dirname, ".."); ; dir = path.dirname(dir)) {
    if (require("fs").existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..");
  }
})();

/** A StackReference named a stack that has not been planned: plan it, then retry. */
class NeedStack extends Error {
  constructor(readonly stack: string) {
    super(`stack ${stack} must be planned first`);
  }
}

interface Programs {
  /** The stack's program, as `pulumi up` runs it. */
  readonly full: () => unknown;
  /** What a stack planned only to answer a StackReference runs: the part producing its outputs. */
  readonly referenced: () => unknown;
}

function loadPrograms(): Programs {
  // Loaded on first use: a usage or spec error answers before the SDK and providers load.
  const m = require("../stacks/program") as Record<"program" | "referencedOutputsProgram", () => unknown>;
  return { full: m.program, referenced: m.referencedOutputsProgram };
}

/**
 * The stack an environment stack reads, as the settings resolve it for the program (its
 * `sharedStack`); undefined for the shared stack itself or invalid settings (the program then
 * refuses to run, naming the key).
 */
function referencedStack(project: string, stack: string, config: Record<string, string>): string | undefined {
  const resolved = resolveSettings({ project, stack, config });
  if (!resolved.ok || resolved.settings.role === "shared") return undefined;
  return resolved.settings.sharedStack.split("/").pop();
}

/**
 * Plans the given stacks. Rejects with `ConfigError` (stacks/program.ts) on invalid config, with
 * {@link PlanError} on a missing or unreadable project, stack or facts file, and with the fake
 * cloud's error on a function it does not know.
 */
export async function planStacks(opts: PlanOptions): Promise<StackPlan[]> {
  const dir = path.resolve(opts.dir ?? PACKAGE_ROOT);
  const { facts, issues } = readFacts(dir);
  if (issues.length > 0)
    throw new PlanError(
      `facts.yaml is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`,
    );
  const programs: Programs = opts.program ? { full: opts.program, referenced: opts.program } : loadPrograms();
  const cache = opts.cacheDir && !opts.program ? new OutputCache(opts.cacheDir) : undefined;
  const done = new Map<string, StackRun>();
  const inProgress: string[] = [];

  const reference = (name: string, project: string): ReferencedOutputs => {
    const parts = name.split("/");
    const target = parts[parts.length - 1];
    const refProject = parts.length >= 2 ? parts[parts.length - 2] : project;
    if (refProject !== project)
      throw new PlanError(
        `StackReference ${JSON.stringify(name)}: the offline plan answers only stacks of project ${project}`,
      );
    const run = done.get(target);
    if (!run) throw new NeedStack(target);
    return run.referenced;
  };

  const planOne = async (stack: string, outputsOnly: boolean): Promise<StackRun> => {
    const existing = done.get(stack);
    if (existing && (existing.plan || outputsOnly)) return existing;
    if (inProgress.includes(stack))
      throw new PlanError(`StackReference cycle: ${[...inProgress, stack].join(" -> ")}`);
    const { project, config } = configOf(dir, stack, opts);
    const key = cache?.key(stack, config, facts);
    const cached = outputsOnly && key ? cache!.get(key) : undefined;
    if (cached) {
      const run = { referenced: cached };
      done.set(stack, run);
      return run;
    }
    inProgress.push(stack);
    try {
      // The stack it reads first: otherwise its program runs to the end only to learn that its
      // StackReference cannot be answered yet (the retry below stays for other programs).
      const target = opts.program ? undefined : referencedStack(project, stack, config);
      if (target && target !== stack && !done.has(target) && !inProgress.includes(target)) {
        await planOne(target, !opts.stacks.includes(target));
        collectGarbage();
      }
      for (;;) {
        try {
          const run = await runStack({
            dir,
            stack,
            overrides: opts,
            facts,
            program: outputsOnly ? programs.referenced : programs.full,
            stackReference: reference,
            outputsOnly,
          });
          done.set(stack, run);
          // Secret outputs never go to disk.
          if (key && run.referenced.secretOutputNames.length === 0) cache!.set(key, run.referenced);
          return run;
        } catch (err) {
          const need = err instanceof NeedStack ? err : undefined;
          if (!need) throw err;
          await planOne(need.stack, !opts.stacks.includes(need.stack));
        }
      }
    } finally {
      inProgress.pop();
    }
  };

  // Environment stacks read `shared`: planning it first saves a retry.
  const order = [...opts.stacks].sort((a, b) => Number(b === "shared") - Number(a === "shared"));
  for (const stack of order) await planOne(stack, false);
  return opts.stacks.map((stack) => done.get(stack)!.plan!);
}

/** Stacks of a project directory (from Pulumi.<stack>.yaml), `shared` first. */
export function discoverStacks(dir: string = PACKAGE_ROOT): string[] {
  return discover(dir);
}
