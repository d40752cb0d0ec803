/**
 * New teams: the generator writes a valid project and refuses bad input. That a scaffolded team
 * installs and plans, following the README's words, is test/new-team.e2e.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { validateTeamSpec } from "../components/team";
import {
  newTeam,
  parseNewTeamArgs,
  teamSpecFromAnswers,
  TEMPLATE_PROMPTS,
  UsageError,
} from "../scripts/new-team";
import { REPO_ROOT } from "./fixtures";

/** What `npm run new-team` runs. */
const BIN = path.join(REPO_ROOT, "bin", "delivery-new-team.js");

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
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
        "facts.yaml",
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
  let teamDir: string;

  beforeAll(() => {
    const r = newTeam(
      { answers: { name: "payments", owner: "acme", services: ["api", "web"] }, out: "payments" },
      tmp,
    );
    if (!r.ok) throw new Error(JSON.stringify(r));
    teamDir = r.dir;
  });

  it("holds the spec in its own namespace, one stack file per stack, and links this checkout", () => {
    const project = parse(fs.readFileSync(path.join(teamDir, "Pulumi.yaml"), "utf8"));
    expect(project.name).toBe("payments-delivery");
    expect(project.template).toBeUndefined();
    // A bare key is the project's namespace: payments-delivery:team.
    expect(validateTeamSpec(project.config.team.value).ok).toBe(true);
    expect(project.config["pulumi:disable-default-providers"].value).toEqual([
      "aws",
      "github",
      "docker",
      "kubernetes",
    ]);
    const staging = parse(fs.readFileSync(path.join(teamDir, "Pulumi.staging.yaml"), "utf8"));
    expect(staging.config).toEqual({
      "payments-delivery:role": "environment",
      "payments-delivery:environment": "staging",
    });
    const pkg = JSON.parse(fs.readFileSync(path.join(teamDir, "package.json"), "utf8"));
    const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    // Never a registry version: the package is not published, and npx would ask the public registry.
    expect(pkg.dependencies["delivery-workflow"]).toBe(`file:${path.relative(teamDir, REPO_ROOT)}`);
    expect(pkg.scripts.plan).toBe("delivery-plan");
    expect(pkg.engines).toEqual(ours.engines);
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe(ours.dependencies["@pulumi/pulumi"]);
    expect(fs.readFileSync(path.join(teamDir, "index.ts"), "utf8")).toContain('require("delivery-workflow")');
  });

  it("writes a facts.yaml that names the owner and confirms nobody yet", () => {
    const facts = parse(fs.readFileSync(path.join(teamDir, "facts.yaml"), "utf8"));
    expect(facts).toEqual({ github: { owner: "acme", users: [], teams: [] } });
  });
});
