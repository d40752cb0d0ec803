/**
 * The measured side of `npm run bench` for large teams (plan/bench.ts runs it as a subprocess,
 * compiled): `env <services> <cacheDir>` plans the production stack of the reference team grown
 * to <services> services, as `npm run plan -- --stack production` does (the shared stack's
 * outputs from the cache when there, else planned outputs-only), and prints one JSON line:
 * {services, resources, ms, maxRssMb}.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { generatedTeam } from "./generate";
import { planStacks } from "./runner";

async function main(): Promise<void> {
  const [mode, size, cacheDir] = process.argv.slice(2);
  if (mode !== "env") throw new Error(`bench-child: unknown mode ${mode}`);
  // This process is a plan, like bin/delivery-plan.js: no stack frames for the SDK's promises.
  Error.stackTraceLimit = 0;
  const root = path.resolve(__dirname, "..", "..");
  const base = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")).config[
    "delivery-workflow:team"
  ].value;
  const team = generatedTeam(base, Number(size));
  const start = process.hrtime.bigint();
  const [plan] = await planStacks({ stacks: ["production"], dir: root, team, cacheDir });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    JSON.stringify({
      services: Number(size),
      resources: plan.resources.length,
      ms,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exitCode = 1;
});
