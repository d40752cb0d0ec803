/**
 * `npm run bench`: how fast the offline plan is, in one run, against its targets.
 *
 *  1. floor: a bare `node -e "require('@pulumi/pulumi')"`;
 *  2. `npm run plan` (every stack of the reference team) and `npm run plan -- --stack staging`,
 *     both as the npm script runs them (node bin/delivery-plan.js), medians of 5 runs:
 *     all stacks / floor (target ≤ 2×) and one stack / all stacks (target ≤ 1×);
 *  3. a spec error: time to the exit code 1 (the SDK is never loaded);
 *  4. the production stack of a 300-service team, alone, with the shared stack's outputs not yet
 *     cached (the part of the shared program that produces them runs first) and cached: wall and
 *     CPU time and peak memory, each run against the targets < 10 s and < 1 GB;
 *  5. beside the plan's timings, the server runtime's zero-downtime figure
 *     (scripts/zero-downtime-bench.ts: a deploy, a failed deploy and a rollback under load on a real
 *     Docker engine, registry and kamal-proxy), or why it was skipped. Never a made-up number.
 * Run from dist/ (`npm run bench` builds it first).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "delivery-plan.js");
const RUNS = 5;

function timed(args: string[], env: NodeJS.ProcessEnv = {}, expect = 0): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== expect) throw new Error(`node ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function median(f: () => number): number {
  const values = Array.from({ length: RUNS }, f).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

/** What the zero-downtime measurement needs on this machine; the first thing missing, if any. */
function zeroDowntimeMissing(): string | undefined {
  if (process.getuid?.() !== 0) return "it needs root (it starts its own dockerd)";
  for (const tool of ["dockerd", "docker", "docker-registry", "busybox", "kamal-proxy"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0)
      return `${tool} is not installed (npm run test:setup installs it)`;
  }
  if (!fs.existsSync(path.join(ROOT, "node_modules", ".bin", "ts-node"))) return "ts-node is not installed";
  return undefined;
}

/** Runs scripts/zero-downtime-bench.ts and returns the lines to print. */
function zeroDowntime(): string[] {
  const missing = zeroDowntimeMissing();
  if (missing) return [`  skipped: ${missing}`];
  const r = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "ts-node"),
    ["--transpile-only", path.join(ROOT, "scripts", "zero-downtime-bench.ts")],
    { cwd: ROOT, encoding: "utf8", timeout: 15 * 60_000, maxBuffer: 16 * 2 ** 20 },
  );
  const lines = `${r.stdout ?? ""}\n${r.stderr ?? ""}`
    .split("\n")
    .filter((l) => l.startsWith("zero-downtime"))
    .map((l) => `  ${l}`);
  if (r.status === 0) return [...lines, "  (every operation: 0 failed requests: met)"];
  const why = r.error ? r.error.message : `exited ${r.status ?? r.signal}`;
  return [...lines, `  NOT met or not measured: scripts/zero-downtime-bench.ts ${why}`];
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

function main(): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-"));
  try {
    const cache = { PLAN_CACHE_DIR: path.join(tmp, "cache") };
    timed([BIN], cache); // warm the compile cache and the OS file cache once
    const floor = median(() => timed(["-e", "require('@pulumi/pulumi')"]).ms);
    const all = median(() => timed([BIN], cache).ms);
    const one = median(() => timed([BIN, "--stack", "staging"], cache).ms);

    const badProject = path.join(tmp, "bad");
    fs.mkdirSync(badProject);
    for (const f of ["Pulumi.shared.yaml"]) fs.copyFileSync(path.join(ROOT, f), path.join(badProject, f));
    fs.writeFileSync(
      path.join(badProject, "Pulumi.yaml"),
      fs
        .readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
        .replace("name: checkout", "name: Checkout Team"),
    );
    const specError = median(() => timed([BIN, "--dir", badProject], {}, 1).ms);

    console.log(
      `Offline plan benchmark (medians of ${RUNS} runs, node ${process.versions.node}, load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)`,
    );
    console.log(`  floor: node -e "require('@pulumi/pulumi')"          ${s(floor)}`);
    console.log(`  npm run plan (4 stacks)                            ${s(all)}`);
    console.log(`  npm run plan -- --stack staging                    ${s(one)}`);
    console.log(`  a spec error, answered before the SDK loads         ${s(specError)}`);
    console.log(
      `  ratio all stacks / floor: ${(all / floor).toFixed(2)}× (target ≤ 2×: ${verdict(all <= 2 * floor)})`,
    );
    console.log(
      `  ratio one stack / all stacks: ${(one / all).toFixed(2)}× (target ≤ 1×: ${verdict(one <= all)})`,
    );

    const child = path.join(__dirname, "bench-child.js");
    const envRun = () => JSON.parse(timed([child, "env", "300", path.join(tmp, "env-cache")]).stdout.trim());
    console.log("");
    // A failure here is reported, and the measurements after it still run.
    try {
      const first = envRun();
      const cached = envRun();
      console.log(
        `Production stack of a 300-service team, planned alone (${cached.resources} resources, load average ${os.loadavg()[0].toFixed(1)})`,
      );
      for (const [label, r] of [
        ["shared outputs not cached", first],
        ["shared outputs cached    ", cached],
      ] as const) {
        const ok = r.ms < 10_000 && r.maxRssMb < 1024;
        if (!ok) process.exitCode = 1;
        console.log(
          `  ${label}  ${s(r.ms)} (${(r.ms / floor).toFixed(1)}× the floor, CPU ${s(r.cpuMs)})  peak RSS ${r.maxRssMb.toFixed(0)} MB  (target < 10 s, < 1 GB: ${verdict(ok)})`,
        );
      }
    } catch (err) {
      const lines = (err as Error).message.split("\n");
      const first = lines.find((l) => /\bError\b/.test(l)) ?? lines[0];
      process.exitCode = 1;
      console.log("Production stack of a 300-service team, planned alone: NOT measured, the plan failed:");
      console.log(`  ${first.trim()}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log("");
  console.log("Server runtime: zero downtime under load (real Docker, registry and kamal-proxy; loopback)");
  const zero = zeroDowntime();
  for (const line of zero) console.log(line);
  if (zero.some((l) => l.includes("NOT met"))) process.exitCode = 1;
}

main();
