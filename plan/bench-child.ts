/**
 * The measured side of `npm run bench` (plan/bench.ts runs it as a subprocess, compiled):
 *   reference      plan the reference team's stacks once, print {ms, resources}
 *   scale N,M,…    plan every stack for teams of N, M, … services, print per size
 *                  {services, resources, ms, heapMb, rssMb}
 * Output: one JSON line on stdout.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { discoverStacks, planStacks } from "./runner";
import { generatedTeam } from "./generate";

async function main(): Promise<void> {
  const [mode, sizes] = process.argv.slice(2);
  const stacks = discoverStacks();
  if (mode === "reference") {
    const start = process.hrtime.bigint();
    const plans = await planStacks({ stacks });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ stacks, ms, resources: plans.reduce((n, p) => n + p.resources.length, 0) }));
    return;
  }
  if (mode === "scale") {
    // The project this file runs in: the repository, or the bench's build dir (a copy).
    const projectFile = path.join(__dirname, "..", "Pulumi.yaml");
    const base = YAML.parse(fs.readFileSync(projectFile, "utf8")).config["delivery-workflow:team"].value;
    const gc = (globalThis as { gc?: () => void }).gc;
    // Warm up once so the first size does not pay for loading the program.
    await planStacks({ stacks });
    const rows = [];
    for (const size of sizes.split(",").map(Number)) {
      const team = size === 0 ? undefined : generatedTeam(base, size);
      gc?.();
      const start = process.hrtime.bigint();
      const plans = await planStacks({ stacks, team });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const resources = plans.reduce((n, p) => n + p.resources.length, 0);
      // Memory while the plans are still referenced (what a CI runner must hold), after a GC.
      gc?.();
      const mem = process.memoryUsage();
      rows.push({
        services: size === 0 ? base.services.length : size,
        resources,
        ms,
        heapMb: mem.heapUsed / 2 ** 20,
        rssMb: mem.rss / 2 ** 20,
      });
      if (plans.length === 0) throw new Error("no plans");
    }
    console.log(JSON.stringify(rows));
    return;
  }
  throw new Error(`bench-child: unknown mode ${mode}`);
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
});
