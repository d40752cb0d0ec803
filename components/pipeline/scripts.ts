/**
 * The bash the generated steps run lives in real files, `components/pipeline/scripts/*.sh`, one
 * per entry point, plus shared libraries in `scripts/lib/`. Each file states its
 * environment-variable contract in its header; shellcheck and the tests read the files as they
 * are. Every value reaches a script through the step's `env:`, so no `${{ }}` expression is ever
 * expanded into shell source (GitHub's script-injection hardening).
 *
 * A workflow file is committed alone into a service repository, so a step cannot `source` a
 * library at run time: the generator inlines it. An entry script names a library with exactly
 *
 *     # shellcheck source=lib/ecr.sh
 *     source "${BASH_SOURCE[0]%/*}/lib/ecr.sh"
 *
 * (which is what shellcheck follows and what the tests run), and {@link stepScript} replaces
 * those two lines with the library's body.
 */
import * as fs from "fs";
import * as path from "path";

/** Where the scripts are, beside this module (copied into `dist/` by the build). */
export const SCRIPTS_DIR = path.join(__dirname, "scripts");

/** Entry points: the only scripts a step runs. */
export const SCRIPTS = {
  guard: "guard.sh",
  prSource: "pr-source.sh",
  preCommit: "pre-commit.sh",
  npmCi: "npm-ci.sh",
  nodeTest: "node-test.sh",
  pythonTest: "python-test.sh",
  goTest: "go-test.sh",
  serviceCommand: "service-command.sh",
  testSummary: "test-summary.sh",
  dockerBuildCheck: "docker-build-check.sh",
  npmAudit: "npm-audit.sh",
  pipAudit: "pip-audit.sh",
  govulncheck: "govulncheck.sh",
  sonarScan: "sonar-scan.sh",
  buildAndPush: "build-and-push.sh",
  useBuiltImage: "use-built-image.sh",
  promoteCommit: "promote-commit.sh",
  promoteMergeParent: "promote-merge-parent.sh",
  promoteRelease: "promote-release.sh",
  findVersion: "find-version.sh",
  deploy: "deploy.sh",
  recordRelease: "record-release.sh",
  markImage: "mark-image.sh",
  smokeTest: "smoke-test.sh",
  regressionSuite: "regression-suite.sh",
  githubRelease: "github-release.sh",
  sentryRelease: "sentry-release.sh",
  notifySlack: "notify-slack.sh",
  previewImage: "preview-image.sh",
  previewCommand: "preview-command.sh",
  previewReport: "preview-report.sh",
  previewFail: "preview-fail.sh",
  previewServer: "preview-server.sh",
} as const;
export type ScriptName = keyof typeof SCRIPTS;

const SOURCE_LINE = /^source "\$\{BASH_SOURCE\[0\]%\/\*\}\/(lib\/[a-z0-9-]+\.sh)"$/;
const SOURCE_DIRECTIVE = /^# shellcheck source=lib\/[a-z0-9-]+\.sh$/;

/** Path of an entry script on disk. */
export function scriptPath(name: ScriptName): string {
  return path.join(SCRIPTS_DIR, SCRIPTS[name]);
}

function body(file: string): string[] {
  const lines = fs.readFileSync(file, "utf8").replace(/\n$/, "").split("\n");
  return lines[0]?.startsWith("#!") ? lines.slice(1) : lines;
}

const cache = new Map<ScriptName, string>();

/**
 * The `run:` text of an entry script: the file without its `#!` line, libraries inlined where it
 * sources them. Throws for a `source` line of any other form: it would fail on the runner.
 */
export function stepScript(name: ScriptName): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const out: string[] = [];
  for (const line of body(scriptPath(name))) {
    if (SOURCE_DIRECTIVE.test(line)) continue;
    const lib = SOURCE_LINE.exec(line);
    if (lib) {
      out.push(
        `# --- ${lib[1]} (inlined) ---`,
        ...body(path.join(SCRIPTS_DIR, lib[1])),
        `# --- end ${lib[1]} ---`,
      );
      continue;
    }
    if (/^\s*(source|\.)\s/.test(line)) {
      throw new Error(
        `${SCRIPTS[name]}: "${line}" cannot run in a workflow step; source lib/*.sh as documented`,
      );
    }
    out.push(line);
  }
  const text = out.join("\n").replace(/^\n+/, "") + "\n";
  cache.set(name, text);
  return text;
}
