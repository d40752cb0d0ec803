/**
 * The README's "New teams" steps, run exactly as written (only `../payments` points into a
 * temporary directory): scaffold, `npm install` (links this checkout, installs the SDKs from the
 * registry), `npm run plan` and `npm run plan -- --diagram`, then the plan's JSON.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./fixtures";
import { contractErrors } from "./harness";

/** The first ```sh block of a README section, as lines. */
function readmeCommands(heading: string): string[] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`no sh block under ${heading} in README.md`);
  return block[1].trim().split("\n");
}

let tmp: string;
let run: ReturnType<typeof spawnSync>;
let teamDir: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "readme-new-team-"));
  teamDir = path.join(tmp, "payments");
  const commands = readmeCommands("## New teams");
  expect(commands).toEqual([
    "npm run new-team -- --name payments --owner acme --service api --service web --out ../payments",
    "cd ../payments && npm install && npm run plan",
    "npm run plan -- --diagram",
  ]);
  const script = ["set -euo pipefail", ...commands.map((c) => c.split("../payments").join(teamDir))].join(
    "\n",
  );
  run = spawnSync("bash", ["-c", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 540_000,
    env: {
      ...process.env,
      PLAN_CACHE_DIR: path.join(tmp, "cache"),
      npm_config_audit: "false",
      npm_config_fund: "false",
    },
  });
}, 600_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the README's new-team steps", () => {
  it("all succeed", () => {
    expect(run.stderr).not.toMatch(/E404|ERR!|EBADENGINE/);
    expect(run.status).toBe(0);
  });

  it("link this checkout instead of asking a registry for it", () => {
    const link = path.join(teamDir, "node_modules", "delivery-workflow");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(REPO_ROOT));
  });

  it("plan every stack of the new project, listing what facts.yaml does not confirm", () => {
    const out = String(run.stdout);
    for (const stack of ["shared", "integration", "staging", "production"])
      expect(out).toContain(`== stack ${stack} (payments-delivery):`);
    expect(out).toMatch(/Total: \d+ resources in 4 stacks/);
    // The generated maintainers team is a placeholder nobody has confirmed yet.
    expect(out).toContain("[github-team] acme/payments-maintainers:");
    expect(out).toContain("Deploys to"); // what each environment deploys, from its settings
  });

  it("draw the new team's flow with --diagram", () => {
    expect(String(run.stdout)).toMatch(/flowchart LR\n%% trunk model of team payments/);
  });

  it("write JSON that keeps the contract", () => {
    const json = path.join(tmp, "payments.plan.json");
    const r = spawnSync("npm", ["run", "plan", "--", "--all", "--json", json], {
      cwd: teamDir,
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    const plans = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(plans.map((p: { project: string }) => p.project)).toEqual(Array(4).fill("payments-delivery"));
    for (const p of plans) expect(contractErrors(p)).toEqual([]);
  });
});
