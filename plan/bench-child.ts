/**
 * The measured side of `npm run bench` for large teams (plan/bench.ts runs it as a subprocess,
 * compiled): `env <services> <cacheDir>` plans the production stack of the reference team grown
 * to <services> services, as `npm run plan -- --stack production` does (the shared stack's
 * outputs from the cache when there, else planned outputs-only), and prints one JSON line:
 * {services, resources, ms, cpuMs, maxRssMb}.
 */
import * as fs from "fs";
import * as nodeModule from "module";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { exposeGc } from "./gc";
import { generatedTeam } from "./generate";
import { planStacks } from "./runner";

async function main(): Promise<void> {
  const [mode, size, cacheDir] = process.argv.slice(2);
  if (mode !== "env") throw new Error(`bench-child: unknown mode ${mode}`);
  // This process is a plan, configured like bin/delivery-plan.js: no stack frames for the SDK's
  // promises, and V8's compile cache.
  Error.stackTraceLimit = 0;
  exposeGc();
  (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(
    path.join(os.tmpdir(), "delivery-workflow-compile-cache"),
  );
  const root = path.resolve(__dirname, "..", "..");
  const base = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")).config[
    "delivery-workflow:team"
  ].value;
  const team = generatedTeam(base, Number(size));
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const [plan] = await planStacks({ stacks: ["production"], dir: root, team, cacheDir });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    JSON.stringify({
      services: Number(size),
      resources: plan.resources.length,
      ms,
      cpuMs: (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
});
