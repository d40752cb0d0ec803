#!/usr/bin/env node
/**
 * `npm run plan`: the offline plan of the team's stacks (no credentials, no cloud).
 * Exit codes: 0 planned; 1 invalid config or usage; 2 a mandatory policy violation;
 * 3 the plan itself failed (a program error, or a token the fake cloud does not know).
 */
import * as fs from "fs";
import * as path from "path";
import { discoverStacks, readYamlFile, resolveSettings, type StackSettings } from "../components/settings";
import type { SpecIssue } from "../components/team";
import { configIssues, PlanError, stackConfig } from "./config";
import type { StackPlan } from "./contract";
import { renderDiagram } from "./diagram";
import { DEFAULT_CACHE_DIR } from "./output-cache";
import type { PlanOptions } from "./runner";
import { deploymentSummary } from "./summary";
import { renderStack, teamComparison } from "./text";

export const USAGE = `Usage: npm run plan -- [options]

Plans the team's stacks offline: the real program against a fake cloud, no credentials.

Options:
  --stack <name>      plan this stack (repeatable); default: every Pulumi.<stack>.yaml, shared first
  --all               plan every stack (the default when no --stack is given)
  --json <file>       also write the JSON contract to <file> ("-" for stdout, text then goes to stderr);
                      one stack: the stack's object; several: an array of them
  --detail            show every resource, cost item and output (default: repeated siblings summarized)
  --diagram           print the team's delivery flow as a Mermaid diagram (from the release policy) and exit
  --dir <path>        project directory holding Pulumi.yaml and the stack files (default: current directory)
  --team-file <file>  use this YAML/JSON file as the team spec instead of Pulumi.yaml's <project>:team
  -h, --help          show this help

Exit codes: 0 planned; 1 invalid config or usage; 2 a mandatory policy violation; 3 the plan failed
(program error, or a resource type / function the fake cloud does not know).`;

export interface CliOptions {
  stacks: string[];
  all: boolean;
  json?: string;
  detail: boolean;
  diagram: boolean;
  dir: string;
  teamFile?: string;
  help: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], cwd = process.cwd()): CliOptions {
  const opts: CliOptions = { stacks: [], all: false, detail: false, diagram: false, dir: cwd, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith("--") && v !== "-")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const take = () => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case "--stack":
        opts.stacks.push(take());
        break;
      case "--all":
        opts.all = true;
        break;
      case "--json":
        opts.json = take();
        break;
      case "--detail":
        opts.detail = true;
        break;
      case "--diagram":
        opts.diagram = true;
        break;
      case "--dir":
        opts.dir = path.resolve(cwd, take());
        break;
      case "--team-file":
        opts.teamFile = path.resolve(cwd, take());
        break;
      case "-h":
      case "--help":
        opts.help = true;
        break;
      default:
        throw new UsageError(
          arg.startsWith("-")
            ? `unknown option ${arg}`
            : `unexpected argument ${JSON.stringify(arg)} (stacks are given with --stack)`,
        );
    }
  }
  if (opts.all && opts.stacks.length > 0) throw new UsageError("--all and --stack exclude each other");
  return opts;
}

function readTeamFile(file: string): unknown {
  let doc: unknown;
  try {
    doc = readYamlFile(file);
  } catch (err) {
    throw new UsageError(`--team-file: ${(err as Error).message}`);
  }
  if (doc === undefined) throw new UsageError(`--team-file: cannot read ${file}`);
  return doc;
}

type Io = { out: (s: string) => void; err: (s: string) => void };

function printIssues(io: Io, issues: readonly SpecIssue[]): void {
  io.err(`plan: invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):`);
  for (const issue of issues) io.err(`  ${issue.path}: ${issue.message}`);
}

/** Settings of each stack, resolved as the program will (pure: the SDK is not loaded yet). */
function settingsOf(
  dir: string,
  stacks: readonly string[],
  team: unknown,
): { ok: true; settings: Map<string, StackSettings> } | { ok: false; issues: SpecIssue[] } {
  const settings = new Map<string, StackSettings>();
  const issues: SpecIssue[] = [];
  for (const stack of stacks) {
    const { project, config, secretKeys } = stackConfig(dir, stack, { team });
    const r = resolveSettings({ project, stack, config, secureKeys: secretKeys });
    if (r.ok) settings.set(stack, r.settings);
    // The spec is shared by every stack: report each problem once.
    else
      for (const i of r.issues)
        if (!issues.some((x) => x.path === i.path && x.message === i.message)) issues.push(i);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, settings };
}

/** Runs the CLI; returns the exit code. Output goes through `out` / `err` (tests capture them). */
export async function main(
  argv: readonly string[],
  io: Io = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  },
  /** Replaces the planner (tests of the exit codes). */
  planner?: (opts: PlanOptions) => Promise<StackPlan[]>,
): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`plan: ${err.message}\n\n${USAGE}`);
    return 1;
  }
  if (opts.help) {
    io.out(USAGE);
    return 0;
  }

  try {
    const team = opts.teamFile ? readTeamFile(opts.teamFile) : undefined;
    if (!fs.existsSync(path.join(opts.dir, "Pulumi.yaml")))
      throw new UsageError(`no Pulumi.yaml in ${opts.dir} (use --dir)`);
    const available = discoverStacks(opts.dir);

    if (opts.diagram) {
      const stack = opts.stacks[0] ?? available[0];
      if (!stack) throw new UsageError(`no Pulumi.<stack>.yaml in ${opts.dir}`);
      const resolved = settingsOf(opts.dir, [stack], team);
      if (!resolved.ok) {
        printIssues(io, resolved.issues);
        return 1;
      }
      const { spec, policy } = resolved.settings.get(stack)!;
      io.out(renderDiagram(spec, policy));
      return 0;
    }

    // A team file for another branch model (staging-branch has no integration environment) plans
    // the stacks its spec has; the others are named, not silently dropped.
    const fitting = team
      ? available.filter((stack) => {
          const { project, config, secretKeys } = stackConfig(opts.dir, stack, { team });
          const r = resolveSettings({ project, stack, config, secureKeys: secretKeys });
          const envKey = `${project}:environment`;
          if (r.ok || !r.issues.every((i) => i.path === envKey)) return true;
          io.err(`plan: skipping stack ${stack}: its environment is not in the team file`);
          return false;
        })
      : available;
    const stacks = opts.stacks.length > 0 ? opts.stacks : fitting;
    if (stacks.length === 0) throw new UsageError(`no Pulumi.<stack>.yaml in ${opts.dir}`);
    const missing = stacks.filter((s) => !available.includes(s));
    if (missing.length > 0) {
      throw new UsageError(
        `unknown stack ${missing.join(", ")} (no Pulumi.<stack>.yaml in ${opts.dir}; known: ${available.join(", ") || "none"})`,
      );
    }
    // A spec error answers here, before the SDK and the providers load.
    const resolved = settingsOf(opts.dir, stacks, team);
    if (!resolved.ok) {
      printIssues(io, resolved.issues);
      return 1;
    }

    let plans: StackPlan[];
    // Loaded only now: the runner brings in the SDK.
    const runner = planner ? undefined : await import("./runner");
    try {
      plans = await (planner ?? runner!.planStacks)({
        stacks,
        dir: opts.dir,
        team,
        cacheDir: process.env.PLAN_CACHE_DIR ?? DEFAULT_CACHE_DIR,
      });
    } catch (err) {
      const issues = configIssues(err);
      if (issues) {
        printIssues(io, issues);
        return 1;
      }
      if (err instanceof PlanError) {
        io.err(`plan: ${err.message}`);
        return 1;
      }
      io.err(`plan failed: ${(err as Error)?.message ?? String(err)}`);
      return 3;
    }

    const print = opts.json === "-" ? io.err : io.out;
    plans.forEach((plan, i) => {
      if (i > 0) print("");
      const settings = resolved.settings.get(plan.stack);
      print(renderStack(plan, { detail: opts.detail, deployment: settings && deploymentSummary(settings) }));
    });
    if (plans.length > 1) {
      const total = plans.reduce((n, p) => n + p.cost.monthly, 0);
      print("");
      print(
        `Total: ${plans.reduce((n, p) => n + p.resources.length, 0)} resources in ${plans.length} stacks, $${total.toFixed(2)}/month`,
      );
      const comparison = teamComparison(plans);
      if (comparison) print(comparison);
    }

    if (opts.json !== undefined) {
      const text = `${JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2)}\n`;
      if (opts.json === "-") process.stdout.write(text);
      else fs.writeFileSync(opts.json, text);
    }
    const mandatory = plans.flatMap((p) => p.policy.violations).filter((v) => v.level === "mandatory");
    if (mandatory.length > 0) {
      io.err(`plan: ${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"}`);
      return 2;
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof PlanError) {
      io.err(`plan: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`plan failed: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
