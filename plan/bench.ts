/**
 * `npm run bench`: how fast the offline plan is, against the floor of loading the Pulumi SDK.
 *
 *  1. floor: a bare `node -e "require('@pulumi/pulumi')"` (median of 3 subprocesses);
 *  2. plan:  a subprocess planning all reference stacks in one process (median of 3), on
 *            JavaScript transpiled ahead of time into a temp dir (so TypeScript compilation is
 *            not counted: `npm run plan` pays it through ts-node, reported separately);
 *  3. the ratio plan / floor (target ≤ 4×), printed as measured;
 *  4. scale: the reference team and generated teams of 10 and 100 services, every stack, in one
 *     process: time, resources, heap and RSS per size, and time per resource so growth shows.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const TARGET_RATIO = 4;
const SOURCE_DIRS = ["plan", "stacks", "components", "policy"];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Transpiles the plan, program and policy into `out` (same layout; other files copied). */
function build(out: string): number {
  const start = Date.now();
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    resolveJsonModule: true,
  };
  const walk = (rel: string) => {
    const src = path.join(ROOT, rel);
    for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      if (entry.isDirectory()) {
        fs.mkdirSync(path.join(out, r), { recursive: true });
        walk(r);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        if (entry.name.endsWith(".test.ts")) continue;
        const js = ts.transpileModule(fs.readFileSync(path.join(ROOT, r), "utf8"), {
          compilerOptions: options,
          fileName: r,
        }).outputText;
        fs.writeFileSync(path.join(out, r.replace(/\.ts$/, ".js")), js);
      } else {
        fs.copyFileSync(path.join(ROOT, r), path.join(out, r));
      }
    }
  };
  for (const dir of SOURCE_DIRS) {
    fs.mkdirSync(path.join(out, dir), { recursive: true });
    walk(dir);
  }
  // The project and stack files: the build dir is a project of its own.
  for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi(\..+)?\.ya?ml$/.test(f)))
    fs.copyFileSync(path.join(ROOT, f), path.join(out, f));
  // policy/ has a package.json whose `main` is a .ts file: point it at the compiled pack.
  const pkg = path.join(out, "policy", "package.json");
  if (fs.existsSync(pkg)) {
    const json = JSON.parse(fs.readFileSync(pkg, "utf8"));
    if (typeof json.main === "string") json.main = json.main.replace(/\.ts$/, ".js");
    fs.writeFileSync(pkg, JSON.stringify(json, null, 2));
  }
  return Date.now() - start;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function main(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-"));
  try {
    const buildMs = build(out);
    // Resolve packages from this repository's node_modules, as the sources do.
    const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
    const child = path.join(out, "plan", "bench-child.js");

    const floorRuns = [0, 1, 2].map(() => timed(process.execPath, ["-e", "require('@pulumi/pulumi')"]).ms);
    const planRuns = [0, 1, 2].map(() => timed(process.execPath, [child, "reference"], env));
    const floor = median(floorRuns);
    const plan = median(planRuns.map((r) => r.ms));
    const inner = JSON.parse(planRuns[0].stdout.trim().split("\n").pop()!) as {
      stacks: string[];
      ms: number;
      resources: number;
    };
    const ratio = plan / floor;

    console.log("Offline plan benchmark (medians of 3 runs)");
    console.log(`  floor: node -e "require('@pulumi/pulumi')"             ${fmt(floor)}`);
    console.log(
      `  plan:  ${inner.stacks.length} stacks (${inner.stacks.join(", ")}), ${inner.resources} resources, one process  ${fmt(plan)}`,
    );
    console.log(
      `         of which planning after load: ${fmt(inner.ms)}; transpiling ahead of time took ${fmt(buildMs)} (not counted)`,
    );
    console.log(
      `  ratio: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`,
    );

    const scale = timed(process.execPath, ["--expose-gc", child, "scale", "0,10,100"], env);
    const rows = JSON.parse(scale.stdout.trim().split("\n").pop()!) as Array<{
      services: number;
      resources: number;
      ms: number;
      heapMb: number;
      rssMb: number;
    }>;
    console.log("");
    console.log(`Scale: every stack, one process (${inner.stacks.length} stacks per team)`);
    console.log("  services  resources      time   ms/resource   heap MB    RSS MB");
    for (const r of rows) {
      console.log(
        `  ${String(r.services).padStart(8)}  ${String(r.resources).padStart(9)}  ${fmt(r.ms).padStart(8)}  ${(r.ms / r.resources).toFixed(3).padStart(12)}  ${r.heapMb
          .toFixed(1)
          .padStart(8)}  ${r.rssMb.toFixed(1).padStart(8)}`,
      );
    }
    const [small, , large] = rows;
    if (small && large) {
      const growth = large.ms / large.resources / (small.ms / small.resources);
      console.log(`  time per resource, 100 services vs reference: ${growth.toFixed(2)}× (1× = linear)`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main();
