/**
 * New teams: the generator writes a valid project, refuses bad input, and a scaffolded team that
 * depends on the built package (linked, no network) plans offline.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { validateTeamSpec } from "../components/team";
import { copyAssets } from "../scripts/copy-assets";
import {
  newTeam,
  parseNewTeamArgs,
  teamSpecFromAnswers,
  TEMPLATE_PROMPTS,
  UsageError,
} from "../scripts/new-team";
import { REPO_ROOT } from "./fixtures";

const TS_NODE = path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js");
const SCRIPT = path.join(REPO_ROOT, "scripts", "new-team.ts");

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [TS_NODE, "--transpile-only", SCRIPT, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
  });
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "new-team-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("teamSpecFromAnswers", () => {
  it.each(["trunk", "staging-branch", "pre-production"])("gives a valid spec for the %s model", (model) => {
    const r = validateTeamSpec(
      teamSpecFromAnswers({ name: "payments", owner: "acme", services: ["api", "web", "worker"], model }),
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(new Set(r.spec.services.map((s) => s.port)).size).toBe(3);
  });
});

describe("the pulumi new template (Pulumi.yaml template:)", () => {
  const template = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")).template;

  it("prompts for team name, GitHub owner, AWS region and first service, which new-team reads", () => {
    expect(template.description).toEqual(expect.any(String));
    expect(Object.keys(template.config).sort()).toEqual(Object.keys(TEMPLATE_PROMPTS).sort());
    for (const prompt of Object.values(template.config) as { description: string }[])
      expect(prompt.description).toBeTruthy();
  });

  it("answers as pulumi new stores them become a valid spec through --from-stack", () => {
    const stackFile = path.join(tmp, "Pulumi.dev.yaml");
    const config: Record<string, string> = {};
    for (const [key, prompt] of Object.entries(template.config) as [string, { default?: string }][])
      config[key] = prompt.default ?? "";
    config["newTeam:name"] = "payments";
    config["newTeam:githubOwner"] = "acme";
    fs.writeFileSync(stackFile, JSON.stringify({ config }));
    const cmd = parseNewTeamArgs(["--from-stack", stackFile, "--out", "x"]);
    if (cmd === "help") throw new Error("unexpected help");
    expect(cmd.answers).toMatchObject({
      name: "payments",
      owner: "acme",
      region: "us-east-1",
      services: ["api"],
    });
    expect(validateTeamSpec(teamSpecFromAnswers(cmd.answers)).ok).toBe(true);
  });
});

describe("parseNewTeamArgs", () => {
  it("reads repeated flags", () => {
    const cmd = parseNewTeamArgs([
      "--name",
      "payments",
      "--owner",
      "acme",
      "--service",
      "api",
      "--service",
      "web",
      "--out",
      "x",
      "--maintainer",
      "alice",
    ]);
    expect(cmd).not.toBe("help");
    if (cmd !== "help") {
      expect(cmd.answers.services).toEqual(["api", "web"]);
      expect(cmd.answers.maintainers).toEqual(["alice"]);
    }
  });

  it.each([
    [["--name", "p", "--owner", "a", "--service", "s"], /missing required flag: --out/],
    [["--nmae", "p"], /Unknown option '--nmae'/],
    [["--name"], /argument missing/],
    [["--name", "p", "--owner", "", "--service", "s", "--out", "x"], /--owner needs a value/],
    [["positional"], /positional/i],
  ])("refuses %j", (args, message) => {
    expect(() => parseNewTeamArgs(args)).toThrow(UsageError);
    expect(() => parseNewTeamArgs(args)).toThrow(message);
  });
});

describe("npm run new-team (command line)", () => {
  it("--help prints usage and exits 0", () => {
    const r = cli(["--help"], tmp);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: npm run new-team");
  });

  it("bad flags exit 2 with the flag named and the usage", () => {
    const r = cli(["--name", "payments", "--colour", "blue"], tmp);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--colour'");
    expect(r.stderr).toContain("Usage:");
  });

  it("an invalid spec exits 1, names every bad key, and writes nothing", () => {
    const out = path.join(tmp, "bad");
    const r = cli(
      ["--name", "Pay Ments", "--owner", "acme", "--service", "API", "--region", "mars-1", "--out", out],
      tmp,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("team.name:");
    expect(r.stderr).toContain("team.services[0].name:");
    expect(r.stderr).toContain("team.aws.region:");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses to overwrite an existing directory (exit 1)", () => {
    const out = path.join(tmp, "exists");
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "keep.txt"), "mine");
    const r = cli(["--name", "payments", "--owner", "acme", "--service", "api", "--out", out], tmp);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("already exists");
    expect(fs.readdirSync(out)).toEqual(["keep.txt"]);
  });

  it("writes the project for the issue's example command", () => {
    const out = path.join(tmp, "cli-payments");
    const r = cli(
      ["--name", "payments", "--owner", "acme", "--service", "api", "--service", "web", "--out", out],
      tmp,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(
      [
        ".gitignore",
        "Pulumi.integration.yaml",
        "Pulumi.production.yaml",
        "Pulumi.shared.yaml",
        "Pulumi.staging.yaml",
        "Pulumi.yaml",
        "README.md",
        "index.ts",
        "package.json",
        "tsconfig.json",
      ].sort(),
    );
  });
});

describe("a scaffolded team project", () => {
  let pkgRoot: string;
  let teamDir: string;

  beforeAll(() => {
    // Build this package once into a throwaway package root (dist/ + the files it ships), so the
    // test neither needs nor disturbs the repository's own dist/.
    pkgRoot = path.join(tmp, "pkg");
    fs.mkdirSync(pkgRoot);
    for (const f of ["package.json", "Pulumi.yaml"])
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(pkgRoot, f));
    fs.cpSync(path.join(REPO_ROOT, "templates"), path.join(pkgRoot, "templates"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(pkgRoot, "node_modules"), "dir");
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    // tsc exits non-zero on a type error anywhere; typecheck reports those, emitting is what matters here.
    spawnSync(
      process.execPath,
      [tsc, "-p", path.join(REPO_ROOT, "tsconfig.build.json"), "--outDir", path.join(pkgRoot, "dist")],
      {
        encoding: "utf8",
      },
    );
    copyAssets(REPO_ROOT, path.join(pkgRoot, "dist"));

    const r = newTeam(
      { answers: { name: "payments", owner: "acme", services: ["api", "web"] }, out: "payments" },
      tmp,
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    teamDir = r.dir;
    // Link this package in as npm would install it, without the network.
    fs.mkdirSync(path.join(teamDir, "node_modules"));
    fs.symlinkSync(pkgRoot, path.join(teamDir, "node_modules", "delivery-workflow"), "dir");
  }, 120_000);

  it("holds the spec in Pulumi.yaml, one stack file per stack, and depends on this package", () => {
    const project = parse(fs.readFileSync(path.join(teamDir, "Pulumi.yaml"), "utf8"));
    expect(project.name).toBe("payments-delivery");
    expect(project.template).toBeUndefined();
    const spec = validateTeamSpec(project.config["delivery-workflow:team"].value);
    expect(spec.ok).toBe(true);
    expect(project.config["pulumi:disable-default-providers"].value).toEqual([
      "aws",
      "github",
      "docker",
      "kubernetes",
    ]);
    const staging = parse(fs.readFileSync(path.join(teamDir, "Pulumi.staging.yaml"), "utf8"));
    expect(staging.config).toEqual({
      "delivery-workflow:role": "environment",
      "delivery-workflow:environment": "staging",
    });
    const pkg = JSON.parse(fs.readFileSync(path.join(teamDir, "package.json"), "utf8"));
    const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies["delivery-workflow"]).toBe(`^${ours.version}`);
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(ours.dependencies["@pulumi/pulumi"]);
    expect(fs.readFileSync(path.join(teamDir, "index.ts"), "utf8")).toContain(
      'import { program } from "delivery-workflow";',
    );
  });

  it("plans offline through the package's exports, reading the stacks from its own directory", () => {
    const script = `
      const { planStacks, discoverStacks } = require("delivery-workflow/plan");
      const { program } = require("delivery-workflow");
      if (typeof program !== "function") throw new Error("program is not exported");
      const dir = process.cwd();
      planStacks({ stacks: discoverStacks(dir), dir }).then((plans) => {
        console.log(JSON.stringify(plans.map((p) => ({ project: p.project, stack: p.stack, resources: p.resources.length,
          types: [...new Set(p.resources.map((r) => r.type))], mandatory: p.policy.violations.filter((v) => v.level === "mandatory").length }))));
      }, (err) => { console.error(err.message); process.exit(1); });
    `;
    const out = execFileSync(process.execPath, ["-e", script], {
      cwd: teamDir,
      encoding: "utf8",
      timeout: 90_000,
    });
    const plans = JSON.parse(out.trim().split("\n").pop()!);
    expect(plans.map((p: { stack: string }) => p.stack)).toEqual([
      "shared",
      "integration",
      "staging",
      "production",
    ]);
    for (const p of plans) {
      expect(p.project).toBe("payments-delivery");
      expect(p.resources).toBeGreaterThan(0);
      expect(p.mandatory).toBe(0);
    }
  }, 120_000);
});

describe("the delivery-plan bin of the built package", () => {
  it("plans the team project in the current directory and writes the JSON contract", () => {
    const team = fs.readdirSync(tmp).includes("payments") ? path.join(tmp, "payments") : undefined;
    expect(team).toBeDefined();
    const bin = path.join(team!, "node_modules", "delivery-workflow", "dist", "plan", "cli.js");
    const json = path.join(tmp, "payments.plan.json");
    const r = spawnSync(process.execPath, [bin, "--all", "--json", json], {
      cwd: team,
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(r.stderr.split("\n").filter((l) => /error/i.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    const plans = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(plans.map((p: { project: string; stack: string }) => `${p.project}/${p.stack}`)).toEqual([
      "payments-delivery/shared",
      "payments-delivery/integration",
      "payments-delivery/staging",
      "payments-delivery/production",
    ]);
  }, 120_000);
});
