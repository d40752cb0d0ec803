/**
 * A small GitHub Actions runner for the story tests: it runs a generated workflow's jobs in
 * `needs` order, evaluates the expressions the generator writes (contexts github, vars, secrets,
 * inputs, steps, needs; `==`, `always()`, `toJSON(needs)`), skips jobs and steps the way GitHub
 * does (a job runs when every job it needs succeeded unless its `if` says `always()`; a step runs
 * after a failure only with `always()`), and runs every `run:` script with bash. `uses:` steps are
 * played by the runner: checkout checks the event's commit out of a real git clone (with the
 * whole history); the others (language set-up, AWS credentials, QEMU, artifacts) have no effect
 * here. Everything the scripts call outside bash (aws, docker, gh, curl, kubectl, python,
 * pre-commit) is a stub on PATH that records what it was asked.
 */
import * as fs from "fs";
import * as path from "path";
import { fnmatch } from "../components/release";
import { runBash, work, type GitRepo, type StubAws } from "./pipeline-harness";

export type Result = "success" | "failure" | "skipped";

export interface Event {
  readonly name: "push" | "pull_request" | "workflow_dispatch";
  readonly refType?: "branch" | "tag";
  /** Short ref name: the branch or tag (for pull requests the merge ref's name). */
  readonly refName: string;
  readonly sha: string;
  readonly baseRef?: string;
  readonly headRef?: string;
  readonly headRepository?: string;
  readonly inputs?: Record<string, string>;
}

export interface RunReport {
  readonly workflow: string;
  readonly jobs: Record<
    string,
    { result: Result; outputs: Record<string, string>; log: string; environment?: string }
  >;
}

/** GitHub's filter: patterns in order, a matching `!pattern` excludes what an earlier one matched. */
export function filterMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith("!")) {
      if (fnmatch(p.slice(1), name)) matched = false;
    } else if (fnmatch(p, name)) matched = true;
  }
  return matched;
}

/** Whether a workflow's `on:` fires for an event, with GitHub's fnmatch on branch/tag filters. */
export function triggers(wf: any, event: Event): boolean {
  if (event.name === "pull_request") {
    const pr = wf.on.pull_request;
    // Without a branches filter a pull_request workflow runs for every base branch (GitHub docs,
    // "Using filters to target specific branches for pull request events").
    if (pr === undefined) return false;
    return pr?.branches === undefined || filterMatches(pr.branches as string[], event.baseRef ?? "");
  }
  if (event.name === "workflow_dispatch") return wf.on.workflow_dispatch !== undefined;
  const push = wf.on.push;
  if (!push) return false;
  const patterns: string[] = (event.refType === "tag" ? push.tags : push.branches) ?? [];
  return filterMatches(patterns, event.refName);
}

const STUBS: Record<string, string> = {
  docker: `#!/usr/bin/env bash
set -euo pipefail
echo "docker $*" >> "$STUB_LOG"
case "$1" in
  login) cat > /dev/null ;;
  buildx)
    tag=""; push=false
    while (( $# > 0 )); do case "$1" in --tag) tag="$2"; shift ;; --push) push=true ;; esac; shift; done
    if [[ "$push" == true ]]; then
      name="\${tag##*:}"
      digest="sha256:$(printf '%s' "$name" | sha256sum | cut -c1-64)"
      jq --arg t "$name" --arg d "$digest" '.digests = ((.digests // {}) + {($t): $d})' "$STUB_STATE" > "$STUB_STATE.new"
      mv "$STUB_STATE.new" "$STUB_STATE"
    fi ;;
esac
`,
  gh: `#!/usr/bin/env bash
set -euo pipefail
echo "gh $*" >> "$STUB_LOG"
case "$1 $2" in
  "api repos/"*) sha="\${2##*/}"; git -C "$STORY_CLONE" rev-parse --verify -q "$sha^2" || true ;;
  "release view") grep -qx "$3" "$STORY_RELEASES" ;;
  "release create") echo "$3" >> "$STORY_RELEASES" ;;
  *) echo "stub gh: unexpected $*" >&2; exit 2 ;;
esac
`,
  curl: `#!/usr/bin/env bash
# A URL containing the text in $STORY_DOWN (when it exists) fails; every call is recorded.
set -euo pipefail
url="\${*: -1}"
data=""
prev=""
for a in "$@"; do [[ "$prev" == --data ]] && data="$a"; prev="$a"; done
printf '%s\\t%s\\n' "$url" "$data" >> "$STORY_CURL"
if [[ -e "$STORY_DOWN" && "$url" == *"$(cat "$STORY_DOWN")"* ]]; then echo "curl: (22) 503" >&2; exit 22; fi
`,
  // A cluster of Deployments in $STORY_KUBE/<namespace>/<deployment>.{image,previous}: set image
  // changes one (keeping the previous for undo), rollout status fails while $STORY_KUBE/fail
  // exists and the image is not the previous one (new pods never ready; the old ones are), undo
  // returns to the previous. Every call is recorded with its namespace.
  kubectl: `#!/usr/bin/env bash
set -euo pipefail
echo "kubectl [$KUBE_NAMESPACE] $*" >> "$STUB_LOG"
dir="$STORY_KUBE/$KUBE_NAMESPACE"
mkdir -p "$dir"
name() { local d="$1"; echo "\${d#deployment/}"; }
case "$1 $2" in
  "config "*) ;;
  "get deployment/"*) n="$(name "$2")"; cat "$dir/$n.image" 2>/dev/null || true ;;
  "get pods") ;;
  "set image") n="$(name "$3")"; cp "$dir/$n.image" "$dir/$n.previous" 2>/dev/null || : > "$dir/$n.previous"
    printf '%s' "\${4#*=}" > "$dir/$n.image" ;;
  "annotate "*) ;;
  "rollout status") n="$(name "$3")"
    if [[ -e "$STORY_KUBE/fail" && "$(cat "$dir/$n.image")" != "$(cat "$dir/$n.previous" 2>/dev/null)" ]]; then
      echo "error: timed out waiting for the condition" >&2; exit 1
    fi ;;
  "rollout undo") n="$(name "$3")"; cp "$dir/$n.previous" "$dir/$n.image" ;;
  *) echo "stub kubectl: unexpected $*" >&2; exit 2 ;;
esac
`,
  python: `#!/usr/bin/env bash\necho "python $*" >> "$STUB_LOG"\n`,
  "pre-commit": `#!/usr/bin/env bash\necho "pre-commit $*" >> "$STUB_LOG"\n`,
};

export interface Repository {
  readonly name: string;
  readonly git: GitRepo;
  readonly aws: StubAws;
  /** Repository variables and each environment's variables. */
  readonly vars: Record<string, string>;
  readonly environmentVars: Record<string, Record<string, string>>;
  readonly secrets: Record<string, string>;
  readonly stubs: string;
  readonly env: Record<string, string>;
  /** The image a Deployment of the stand-in cluster runs ("" when never set). */
  kubeImage(namespace: string, deployment: string): string;
  /** Makes every rollout of a new image time out (false: rollouts succeed). */
  kubeFails(fail: boolean): void;
  /** Slack payloads and Sentry bodies, in order. */
  posts(): { url: string; data: string }[];
  releases(): string[];
  /** Makes every URL containing `part` fail (undefined: nothing fails). */
  down(part: string | undefined): void;
}

export function repository(
  name: string,
  git: GitRepo,
  aws: StubAws,
  vars: Repository["vars"],
  environmentVars: Repository["environmentVars"],
  secrets: Record<string, string>,
): Repository {
  const stubs = fs.mkdtempSync(path.join(work, "stubs-"));
  for (const [file, text] of Object.entries(STUBS))
    fs.writeFileSync(path.join(stubs, file), text, { mode: 0o755 });
  fs.copyFileSync(path.join(aws.dir, "aws"), path.join(stubs, "aws"));
  const curlLog = path.join(stubs, "curl.log");
  const releases = path.join(stubs, "releases");
  const down = path.join(stubs, "down");
  const kube = path.join(stubs, "kube");
  fs.mkdirSync(kube);
  fs.writeFileSync(curlLog, "");
  fs.writeFileSync(releases, "");
  return {
    name,
    git,
    aws,
    vars,
    environmentVars,
    secrets,
    stubs,
    env: {
      ...aws.env,
      STORY_CLONE: git.clone,
      STORY_CURL: curlLog,
      STORY_RELEASES: releases,
      STORY_DOWN: down,
      STORY_KUBE: kube,
    },
    kubeImage: (namespace, deployment) => {
      const f = path.join(kube, namespace, `${deployment}.image`);
      return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "";
    },
    kubeFails: (fail) =>
      fail
        ? fs.writeFileSync(path.join(kube, "fail"), "")
        : fs.rmSync(path.join(kube, "fail"), { force: true }),
    posts: () =>
      fs
        .readFileSync(curlLog, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => ({ url: l.split("\t")[0], data: l.split("\t")[1] ?? "" })),
    releases: () => fs.readFileSync(releases, "utf8").split("\n").filter(Boolean),
    down: (part) => (part !== undefined ? fs.writeFileSync(down, part) : fs.rmSync(down, { force: true })),
  };
}

type Context = Record<string, any>;

function lookup(ctx: Context, dotted: string): unknown {
  let cur: any = ctx;
  for (const part of dotted.split(".")) {
    if (cur === undefined || cur === null) return "";
    cur = cur[part];
  }
  return cur ?? "";
}

function evaluate(expression: string, ctx: Context): unknown {
  const e = expression.trim();
  // `!( … )` and `a || b`, the forms the rollback's runtime conditions use (no nesting inside).
  const not = /^!\((.*)\)$/.exec(e);
  if (not) return !isTrue(evaluate(not[1], ctx));
  if (e.includes(" || ")) return e.split(" || ").some((part) => isTrue(evaluate(part, ctx)));
  const cmp = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(e);
  if (cmp) {
    const equal = String(evaluate(cmp[1], ctx)) === String(evaluate(cmp[3], ctx));
    return cmp[2] === "==" ? equal : !equal;
  }
  if (e === "always()") return true;
  if (e === "toJSON(needs)") return JSON.stringify(ctx.needs);
  const lit = /^'(.*)'$/.exec(e);
  if (lit) return lit[1].replace(/''/g, "'");
  if (/^[a-zA-Z_][\w.-]*$/.test(e)) return lookup(ctx, e);
  throw new Error(`runner: unsupported expression ${e}`);
}

function interpolate(value: unknown, ctx: Context): string {
  return String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, x: string) => String(evaluate(x, ctx)));
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === "string" && v !== "" && v !== "false");
}

function truthy(condition: string, ctx: Context): boolean {
  const bare = condition.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  return isTrue(evaluate(bare, ctx));
}

/** Runs a workflow for an event in a repository; returns every job's result and log. */
export function runWorkflow(
  path_: string,
  wf: any,
  repo: Repository,
  event: Event,
  actor = "alice",
): RunReport {
  const github = {
    ref_type: event.refType ?? "branch",
    ref_name: event.refName,
    ref:
      event.name === "pull_request"
        ? `refs/pull/1/merge`
        : `refs/${event.refType === "tag" ? "tags" : "heads"}/${event.refName}`,
    sha: event.sha,
    repository: `acme/${repo.name}`,
    token: "github-token",
    workflow: wf.name,
    actor,
    base_ref: event.baseRef ?? "",
    head_ref: event.headRef ?? "",
    event: { pull_request: { head: { repo: { full_name: event.headRepository ?? `acme/${repo.name}` } } } },
  };
  const jobs: RunReport["jobs"] = {};
  const pending = new Set(Object.keys(wf.jobs));
  while (pending.size > 0) {
    const ready = [...pending].find((id) =>
      ((wf.jobs[id].needs ?? []) as string[]).every((n) => jobs[n] !== undefined),
    );
    if (!ready) throw new Error(`runner: a cycle among ${[...pending].join(", ")}`);
    pending.delete(ready);
    const job = wf.jobs[ready];
    const needs: Record<string, { result: Result; outputs: Record<string, string> }> = {};
    for (const n of (job.needs ?? []) as string[])
      needs[n] = { result: jobs[n].result, outputs: jobs[n].outputs };
    const base: Context = {
      github,
      inputs: event.inputs ?? {},
      secrets: repo.secrets,
      needs,
      vars: repo.vars,
      steps: {},
    };
    const needsOk = Object.values(needs).every((n) => n.result === "success");
    const condition = job.if as string | undefined;
    const runs = condition?.includes("always()")
      ? truthy(condition, base)
      : needsOk && (condition ? truthy(condition, base) : true);
    if (!runs) {
      jobs[ready] = { result: "skipped", outputs: {}, log: "" };
      continue;
    }
    const environment = job.environment ? interpolate(job.environment.name, base) : undefined;
    const ctx: Context = {
      ...base,
      vars: { ...repo.vars, ...(environment ? repo.environmentVars[environment] : {}) },
      secrets: environment
        ? repo.secrets
        : Object.fromEntries(
            Object.entries(repo.secrets).filter(([k]) => k === "SLACK_WEBHOOK_URL" || k === "SONAR_TOKEN"),
          ),
    };
    let failed = false;
    let log = "";
    const jobEnv = Object.fromEntries(
      Object.entries(job.env ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]),
    );
    for (const step of job.steps as any[]) {
      if (failed && !String(step.if ?? "").includes("always()")) continue;
      if (step.if && !truthy(step.if, ctx)) continue;
      if (step.uses) {
        if (String(step.uses).startsWith("actions/checkout@"))
          repo.git.git("checkout", "-q", "--detach", event.sha);
        continue;
      }
      const env = {
        ...jobEnv,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(v, ctx)])),
      };
      const r = runBash(
        step.run,
        {
          ...repo.env,
          ...env,
          GITHUB_SERVER_URL: "https://github.com",
          GITHUB_REPOSITORY: github.repository,
          GITHUB_RUN_ID: "1",
          RUNNER_TEMP: repo.stubs,
          AWS_REGION: "us-east-1",
          IMAGE_WAIT_INTERVAL: "0",
          DEPLOY_POLL_SECONDS: "0",
        },
        { pathPrefix: repo.stubs, cwd: repo.git.clone },
      );
      log += `--- ${step.name} (${r.status})\n${r.stdout}${r.stderr}`;
      if (step.id) ctx.steps[step.id] = { outputs: r.outputs };
      if (r.status !== 0 && !step["continue-on-error"]) failed = true;
    }
    const outputs = Object.fromEntries(
      Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]),
    );
    jobs[ready] = { result: failed ? "failure" : "success", outputs, log, environment };
  }
  return { workflow: path_, jobs };
}
