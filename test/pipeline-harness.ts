/**
 * Runs the pipeline's scripts the way a GitHub runner does, against a stub AWS CLI and real git.
 *
 *  - {@link runBash}: a script text or file under `bash --noprofile --norc -eo pipefail`, with a
 *    step's literal env, the test's values, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files read back.
 *  - {@link stubAws}: an `aws` on PATH that answers the ECR and SSM calls the scripts make from a
 *    JSON state file (tags → digests, SSM statuses per instance) and logs every call. Immutable
 *    tags as ECR: putting an existing tag fails.
 *  - {@link gitRepo}: a bare "origin" with scripted commits, branches and tags, and a clone with
 *    the whole history (what the guard's `fetch-depth: 0` checkout gives).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const work = fs.mkdtempSync(path.join(os.tmpdir(), "pipeline-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

export type StepData = { name: string; id?: string; if?: string; run: string; env?: Record<string, unknown> };

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

let counter = 0;

/**
 * Runs bash on a script (text, or `{ file }` to run a file where it lies, so its `source` lines
 * resolve). Literal values of `stepEnv` (no `${{ }}`) are set; `env` supplies the rest.
 */
export function runBash(
  script: string | { file: string },
  env: Record<string, string>,
  options: { stepEnv?: Record<string, unknown>; pathPrefix?: string; cwd?: string } = {},
): RunResult {
  const id = `${process.pid}-${++counter}`;
  let file: string;
  if (typeof script === "string") {
    file = path.join(work, `step-${id}.sh`);
    fs.writeFileSync(file, script);
  } else file = script.file;
  const output = path.join(work, `out-${id}`);
  const summary = path.join(work, `summary-${id}`);
  fs.writeFileSync(output, "");
  fs.writeFileSync(summary, "");
  const literal: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.stepEnv ?? {}))
    if (!String(v).includes("${{")) literal[k] = String(v);
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
    cwd: options.cwd ?? work,
    env: {
      PATH: options.pathPrefix ? `${options.pathPrefix}:${process.env.PATH}` : process.env.PATH,
      LANG: "C.UTF-8",
      HOME: work,
      ...literal,
      ...env,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    },
    encoding: "utf8",
  });
  const outputs: Record<string, string> = {};
  for (const line of fs.readFileSync(output, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const text = fs.readFileSync(summary, "utf8");
  fs.rmSync(output);
  fs.rmSync(summary);
  if (typeof script === "string") fs.rmSync(file);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs, summary: text };
}

/** Runs a workflow step's inlined script with its literal env. */
export function runStep(
  step: StepData,
  env: Record<string, string>,
  options: { pathPrefix?: string; cwd?: string } = {},
) {
  return runBash(step.run, env, { ...options, stepEnv: step.env });
}

// ---------------------------------------------------------------------------------------------
// A stub AWS CLI.

const STUB = `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$STUB_LOG"
arg() { local want="$1"; shift; while (( $# > 1 )); do if [[ "$1" == "$want" ]]; then echo "$2"; return; fi; shift; done; }
id_of() { for a in "$@"; do case "$a" in imageTag=*|imageDigest=*) echo "$a";; esac; done; }
update() { jq "$@" "$STUB_STATE" > "$STUB_STATE.new"; mv "$STUB_STATE.new" "$STUB_STATE"; }
# The digest a tag names: .digests[tag], else sha256:digest-of-<tag> when listed in .tags.
digest_js='def dig($t): (.digests // {})[$t] // (if ((.tags // []) | index($t)) != null then "sha256:digest-of-" + $t else "" end);'
case "$1 $2" in
  "ecr get-login-password") echo "stub-password" ;;
  "ecr list-images")
    jq -c '[(.tags // [])[], ((.digests // {}) | keys[])] | unique' "$STUB_STATE" ;;
  "ecr describe-images")
    id="$(id_of "$@")"
    case "$id" in
      imageTag=*) d="$(jq -r --arg t "\${id#imageTag=}" "$digest_js"' dig($t)' "$STUB_STATE")" ;;
      imageDigest=*) d="$(jq -r --arg d "\${id#imageDigest=}" "$digest_js"' . as $s | [((.tags // [])[], ((.digests // {}) | keys[])) | select(. as $tag | ($s | dig($tag)) == $d)] | if length > 0 then $d else "" end' "$STUB_STATE")" ;;
    esac
    if [[ -z "$d" ]]; then echo "An error occurred (ImageNotFoundException)" >&2; exit 254; fi
    case "$*" in
      *imageTags*) jq -c --arg d "$d" "$digest_js"' . as $s | [((.tags // [])[], ((.digests // {}) | keys[])) | select(. as $tag | ($s | dig($tag)) == $d)] | unique' "$STUB_STATE" ;;
      *) echo "$d" ;;
    esac ;;
  "ecr batch-get-image") case "$*" in *imageManifestMediaType*) echo "application/vnd.oci.image.manifest.v1+json";; *) echo '{"schemaVersion":2}';; esac ;;
  "ecr put-image")
    # .late holds tags another run adds between our look-up and our put (a race).
    t="$(arg --image-tag "$@")"
    d="$(arg --image-digest "$@")"
    if jq -e --arg t "$t" '(.late // {}) | has($t)' "$STUB_STATE" > /dev/null; then
      update --arg t "$t" '.digests = ((.digests // {}) + {($t): .late[$t]}) | del(.late[$t])'
      echo "An error occurred (ImageAlreadyExistsException)" >&2; exit 254
    fi
    if [[ -n "$(jq -r --arg t "$t" "$digest_js"' dig($t)' "$STUB_STATE")" ]]; then
      echo "An error occurred (ImageTagAlreadyExistsException)" >&2; exit 254
    fi
    update --arg t "$t" --arg d "$d" '.digests = ((.digests // {}) + {($t): $d})'
    echo "put" ;;
  "ssm send-command")
    if jq -e '.sendFails == true' "$STUB_STATE" > /dev/null; then echo "An error occurred (InvalidDocument)" >&2; exit 254; fi
    update --arg doc "$(arg --document-name "$@")" --argjson p "$(arg --parameters "$@")" '.sent = ((.sent // []) + [{document: $doc, parameters: $p}])'
    echo "command-1" ;;
  "ssm get-command-invocation")
    i="$(arg --instance-id "$@")"
    case "$*" in
      *StandardOutputContent*) echo "agent on $i says: $(jq -r '.agentOutput // ""' "$STUB_STATE")" ;;
      *) jq -r --arg i "$i" '(.statusOf // {})[$i] // .status // "Success"' "$STUB_STATE" ;;
    esac ;;
  "ssm put-parameter")
    update --arg n "$(arg --name "$@")" --arg v "$(arg --value "$@")" '.parameters = ((.parameters // {}) + {($n): $v})' ;;
  *) echo "stub aws: unexpected $*" >&2; exit 2 ;;
esac
`;

export type StubState = {
  tags?: string[];
  digests?: Record<string, string>;
  late?: Record<string, string>;
  status?: string;
  statusOf?: Record<string, string>;
  agentOutput?: string;
  sendFails?: boolean;
  sent?: { document: string; parameters: Record<string, string[]> }[];
  parameters?: Record<string, string>;
};

export interface StubAws {
  readonly dir: string;
  readonly env: Record<string, string>;
  calls(): string;
  state(): StubState;
  set(state: StubState): void;
}

export function stubAws(initial: StubState): StubAws {
  const dir = fs.mkdtempSync(path.join(work, "aws-"));
  fs.writeFileSync(path.join(dir, "aws"), STUB, { mode: 0o755 });
  const statePath = path.join(dir, "state.json");
  fs.writeFileSync(statePath, JSON.stringify(initial));
  const log = path.join(dir, "log");
  fs.writeFileSync(log, "");
  return {
    dir,
    env: { STUB_STATE: statePath, STUB_LOG: log },
    calls: () => fs.readFileSync(log, "utf8"),
    state: () => JSON.parse(fs.readFileSync(statePath, "utf8")) as StubState,
    set: (state) => fs.writeFileSync(statePath, JSON.stringify(state)),
  };
}

// ---------------------------------------------------------------------------------------------
// Real git.

export interface GitRepo {
  /** A clone with every branch as refs/remotes/origin/* and every tag. */
  readonly clone: string;
  git(...args: string[]): string;
  /** Commits on a branch of the clone (creating it from `from`), pushes, returns the sha. */
  commit(branch: string, message: string, from?: string): string;
  /** Merges `source` into `target` with a merge commit (GitHub's "merge"), pushes, returns the sha. */
  mergeCommit(target: string, source: string): string;
  tag(name: string, sha: string): void;
}

export function gitRepo(defaultBranch: string): GitRepo {
  const root = fs.mkdtempSync(path.join(work, "git-"));
  const origin = path.join(root, "origin.git");
  const clone = path.join(root, "clone");
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.invalid",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.invalid",
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: root,
  };
  const run = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  run(root, "init", "-q", "--bare", `--initial-branch=${defaultBranch}`, origin);
  run(root, "clone", "-q", origin, clone);
  run(clone, "commit", "-q", "--allow-empty", "-m", "initial");
  run(clone, "push", "-q", "origin", `HEAD:refs/heads/${defaultBranch}`);
  const git = (...args: string[]) => run(clone, ...args);
  let n = 0;
  return {
    clone,
    git,
    commit(branch, message, from) {
      const exists = git("ls-remote", "--heads", "origin", branch) !== "";
      git("checkout", "-q", "-B", branch, exists ? `origin/${branch}` : `origin/${from ?? defaultBranch}`);
      fs.writeFileSync(path.join(clone, `file-${++n}`), message);
      git("add", ".");
      git("commit", "-q", "-m", message);
      git("push", "-q", "origin", `HEAD:refs/heads/${branch}`);
      git("fetch", "-q", "origin");
      return git("rev-parse", "HEAD");
    },
    mergeCommit(target, source) {
      git("fetch", "-q", "origin");
      git("checkout", "-q", "-B", target, `origin/${target}`);
      git("merge", "-q", "--no-ff", "-m", `Merge ${source} into ${target}`, `origin/${source}`);
      git("push", "-q", "origin", `HEAD:refs/heads/${target}`);
      git("fetch", "-q", "origin");
      return git("rev-parse", "HEAD");
    },
    tag(name, sha) {
      git("tag", name, sha);
      git("push", "-q", "origin", `refs/tags/${name}`);
    },
  };
}
