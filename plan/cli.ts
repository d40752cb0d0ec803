#!/usr/bin/env node
/**
 * `npm run plan`: the offline plan of the team's stacks (no credentials, no cloud).
 * Exit codes: 0 planned; 1 invalid config or usage; 2 a mandatory policy violation;
 * 3 the plan itself failed (a program error, or a token the fake cloud does not know).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

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
  --team-file <file>  use this YAML/JSON file as the team spec instead of Pulumi.yaml's delivery-workflow:team
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
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`--team-file: cannot read ${file}`);
  }
  try {
    return YAML.parse(text);
  } catch (err) {
    throw new UsageError(`--team-file: ${file} is not valid YAML/JSON: ${(err as Error).message}`);
  }
}

/** Runs the CLI; returns the exit code. Output goes through `out` / `err` (tests capture them). */
export async function main(
  argv: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  },
  /** Replaces the planner (tests of the exit codes). */
  planner?: typeof import("./runner").planStacks,
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
  // Loaded after argument parsing so --help and usage errors answer instantly.
  const { planStacks, discoverStacks, stackConfig, configIssues, PlanError } = await import("./runner");
  const { renderStack } = await import("./text");
  const { deploymentSummary } = await import("./summary");

  try {
    const team = opts.teamFile ? readTeamFile(opts.teamFile) : undefined;
    if (!fs.existsSync(path.join(opts.dir, "Pulumi.yaml")))
      throw new UsageError(`no Pulumi.yaml in ${opts.dir} (use --dir)`);
    const available = discoverStacks(opts.dir);

    if (opts.diagram) {
      const diagramFile = ["diagram.ts", "diagram.js"]
        .map((f) => path.join(__dirname, f))
        .find((f) => fs.existsSync(f));
      if (!diagramFile) {
        io.err("plan: --diagram is not available yet (plan/diagram.ts is missing)");
        return 1;
      }
      const stack = opts.stacks[0] ?? available[0];
      if (!stack) throw new UsageError(`no Pulumi.<stack>.yaml in ${opts.dir}`);
      const summary = deploymentSummary(stackConfig(opts.dir, stack, { team }), stack);
      if (!summary.ok) {
        io.err(`plan: invalid configuration (${summary.issues.length} problems):`);
        for (const issue of summary.issues) io.err(`  ${issue.path}: ${issue.message}`);
        return 1;
      }

      const { renderDiagram } = require(diagramFile) as typeof import("./diagram");
      io.out(renderDiagram(summary.spec, summary.policy));
      return 0;
    }

    // A team file for another branch model (staging-branch has no integration environment) plans
    // the stacks its spec has; the others are named, not silently dropped.
    const fitting = team
      ? available.filter((stack) => {
          const summary = deploymentSummary(stackConfig(opts.dir, stack, { team }), stack);
          if (!summary.ok || summary.role === "shared") return true;
          if (summary.spec.environments.some((e) => e.name === summary.environment)) return true;
          io.err(
            `plan: skipping stack ${stack}: environment "${summary.environment}" is not in the team file`,
          );
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

    let plans;
    try {
      plans = await (planner ?? planStacks)({ stacks, dir: opts.dir, team });
    } catch (err) {
      const issues = configIssues(err);
      if (issues) {
        io.err(`plan: invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):`);
        for (const issue of issues) io.err(`  ${issue.path}: ${issue.message}`);
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
      const summary = deploymentSummary(stackConfig(opts.dir, plan.stack, { team }), plan.stack);
      print(
        renderStack(plan, { detail: opts.detail, deployment: summary.ok ? summary.deployment : undefined }),
      );
    });
    if (plans.length > 1) {
      const total = plans.reduce((n, p) => n + p.cost.monthly, 0);
      print("");
      print(
        `Total: ${plans.reduce((n, p) => n + p.resources.length, 0)} resources in ${plans.length} stacks, $${total.toFixed(2)}/month`,
      );
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
    if (err instanceof UsageError) {
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
