/**
 * The pipeline's bash is real files: each passes shellcheck as a file (following its `source`
 * of the libraries), reads only the variables its header's `Env:` contract names (or GitHub sets),
 * and is what the generated steps run (libraries inlined, nothing else changed). The Slack report
 * escapes what people control and drops the channel key when none is configured.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SCRIPTS, SCRIPTS_DIR, scriptPath, stepScript, type ScriptName } from "../components/pipeline";
import { runBash } from "./pipeline-harness";

const names = Object.keys(SCRIPTS) as ScriptName[];
const libs = fs.readdirSync(path.join(SCRIPTS_DIR, "lib")).map((f) => path.join(SCRIPTS_DIR, "lib", f));

/** Variables GitHub puts in every step's environment. */
const RUNNER = [
  "GITHUB_OUTPUT",
  "GITHUB_STEP_SUMMARY",
  "GITHUB_SERVER_URL",
  "GITHUB_REPOSITORY",
  "GITHUB_RUN_ID",
];

/** Upper-case names in a script's header comment (before the first non-comment line). */
function contract(file: string): string[] {
  const header: string[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
    if (!line.startsWith("#")) break;
    header.push(line);
  }
  return [...new Set(header.join("\n").match(/\b[A-Z][A-Z0-9_]{2,}\b/g) ?? [])];
}

function shellcheckFile(file: string, declared: string[]): string {
  // The contract's variables are declared first (as `read` does: no known value), then the script
  // with check-unassigned-uppercase: a variable outside the contract is a finding.
  const body = fs.readFileSync(file, "utf8").split("\n").slice(1).join("\n");
  const prelude = declared.length ? `read -r ${declared.join(" ")}\nexport ${declared.join(" ")}\n` : "";
  const probe = path.join(path.dirname(file), `.probe-${path.basename(file)}`);
  fs.writeFileSync(probe, `#!/usr/bin/env bash\n${prelude}${body}`);
  try {
    const r = spawnSync(
      "shellcheck",
      [
        "--shell=bash",
        "--external-sources",
        "--source-path=SCRIPTDIR",
        "--enable=check-unassigned-uppercase",
        "--format=gcc",
        probe,
      ],
      { encoding: "utf8" },
    );
    if (r.error) throw r.error;
    return r.status === 0 ? "" : `${r.stdout}${r.stderr}`;
  } finally {
    fs.rmSync(probe);
  }
}

describe("script files", () => {
  it("every entry point exists, and every file in scripts/ is an entry point or a library", () => {
    const files = fs.readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith(".sh"));
    // kubernetes-deploy.sh, kubernetes-preview.sh and their library are read by
    // kubernetes-steps.ts (which inlines the library itself); test/kubernetes-pipeline.test.ts and
    // test/kubernetes-previews.test.ts shellcheck and run them.
    const kubernetes = ["kubernetes-deploy.sh", "kubernetes-lib.sh", "kubernetes-preview.sh"];
    expect(files.sort()).toEqual([...Object.values(SCRIPTS), ...kubernetes].sort());
    expect(libs.length).toBeGreaterThan(0);
  });

  it("shellcheck finds a planted fault in a file (the check can fail)", () => {
    const planted = path.join(SCRIPTS_DIR, "lib", ".planted.sh");
    fs.writeFileSync(planted, '#!/usr/bin/env bash\n# Env: DIR.\nrm -rf $DIR\necho "$NOT_IN_CONTRACT"\n');
    try {
      const report = shellcheckFile(planted, contract(planted));
      expect(report).toContain("SC2086");
      expect(report).toContain("NOT_IN_CONTRACT");
    } finally {
      fs.rmSync(planted);
    }
  });

  it.each(names)("%s passes shellcheck and reads only its header's variables", (name) => {
    const file = scriptPath(name);
    const lib = fs.readFileSync(file, "utf8").includes("lib/ecr.sh") ? contract(libs[0]) : [];
    expect(shellcheckFile(file, [...contract(file), ...lib, ...RUNNER])).toBe("");
  });

  it.each(libs.map((l) => [path.basename(l), l]))("library %s passes shellcheck", (_, file) => {
    expect(
      shellcheckFile(file, [
        ...contract(file),
        ...RUNNER,
        "BUILD_IMAGE_TAG_PREFIX",
        "REQUIRE_PASSED_PREFIX",
        "PASSED_ENVIRONMENT",
      ]),
    ).toBe("");
  });

  it.each(names)("%s is what the step runs: the file, libraries inlined", (name) => {
    const file = fs.readFileSync(scriptPath(name), "utf8");
    const step = stepScript(name);
    expect(step).not.toMatch(/^#!/);
    expect(step).not.toMatch(/^\s*(source|\.) /m);
    // Every line of the file but the shebang and the source lines is in the step, in order.
    const kept = file
      .split("\n")
      .slice(1)
      .filter((l) => !/^(# shellcheck source=|source ")/.test(l));
    expect(step.replace(/# --- lib[\s\S]*?# --- end lib\/[a-z-]+\.sh ---\n/g, "")).toBe(
      kept.join("\n").replace(/^\n+/, ""),
    );
    if (file.includes("lib/ecr.sh")) expect(step).toContain("tag_digest() {");
  });

  it("no TypeScript in components/pipeline assembles bash from strings", () => {
    const dir = path.join(__dirname, "..", "components", "pipeline");
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      expect({ f, setE: /set -euo pipefail/.test(text) && f !== "scripts.ts" }).toEqual({ f, setE: false });
      expect({ f, run: /\brun: [`"']/.test(text) }).toEqual({ f, run: false });
    }
  });
});

describe("the Slack report", () => {
  const file = { file: scriptPath("notifySlack") };
  const base = {
    SLACK_WEBHOOK: "https://hooks.slack.invalid/x",
    SLACK_DRY_RUN: "1",
    WORKFLOW_NAME: "deploy to production",
    SERVICE: "api",
    TARGET_ENVIRONMENT: "production",
    VERSION: "v1.2.3",
    REF_NAME: "v1.2.3",
    ACTOR: "alice",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "acme/api",
    GITHUB_RUN_ID: "42",
  };
  const needs = (results: Record<string, string>, deploy = "true") =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(results).map(([k, v]) => [k, { result: v, outputs: k === "guard" ? { deploy } : {} }]),
      ),
    );
  const report = (env: Record<string, string>) => {
    const r = runBash(file, { ...base, SLACK_CHANNEL: "#deploys", ...env });
    expect(r.status).toBe(0);
    return r.stdout.trim()
      ? (JSON.parse(r.stdout.trim().split("\n").pop() as string) as { text: string; channel?: string })
      : undefined;
  };

  it.each([
    ["a failed guard", { guard: "failure", deploy: "skipped" }, "failed", "guard: failure"],
    [
      "a failed test",
      { guard: "success", lint: "success", test: "failure", image: "skipped", deploy: "skipped" },
      "failed",
      "test: failure",
    ],
    ["a rejected approval", { guard: "success", deploy: "failure" }, "failed", "deploy: failure"],
    [
      "a failed release job",
      { guard: "success", deploy: "success", "github-release": "failure" },
      "failed",
      "github-release: failure",
    ],
    ["a cancellation", { guard: "success", deploy: "cancelled" }, "cancelled", "deploy: cancelled"],
    ["a success", { guard: "success", deploy: "success" }, "succeeded", undefined],
  ])("reports %s", (_, results, outcome, line) => {
    const payload = report({ NEEDS_JSON: needs(results) });
    expect(payload?.text).toContain(`api v1.2.3 to production: ${outcome}`);
    expect(payload?.text).toContain("<https://github.com/acme/api/actions/runs/42|deploy to production>");
    if (line) expect(payload?.text).toContain(`• ${line}`);
    expect(payload?.channel).toBe("#deploys");
  });

  it("says nothing when the guard found nothing to deploy", () => {
    const r = runBash(file, {
      ...base,
      SLACK_CHANNEL: "",
      NEEDS_JSON: needs({ guard: "success", deploy: "skipped" }, "false"),
    });
    expect(r.stdout).toContain("nothing was deployed: no message");
  });

  it("escapes & < > in everything people control, and leaves the channel key out when none is set", () => {
    const payload = report({
      SLACK_CHANNEL: "",
      NEEDS_JSON: needs({ guard: "success", deploy: "failure" }),
      VERSION: "<!channel> & <https://evil.invalid|click>",
      ACTOR: "<@U123>",
      REF_NAME: "feature/<b>",
    });
    expect(payload).not.toHaveProperty("channel");
    expect(payload?.text).toContain("&lt;!channel&gt; &amp; &lt;https://evil.invalid|click&gt;");
    expect(payload?.text).toContain("by &lt;@U123&gt;");
    expect(payload?.text).toContain("feature/&lt;b&gt;");
    // The only markup left is the run link the script wrote.
    expect(payload?.text.match(/</g)).toHaveLength(1);
  });

  it("without a webhook, reports nothing and does not fail", () => {
    const r = runBash(file, {
      ...base,
      SLACK_WEBHOOK: "",
      SLACK_CHANNEL: "",
      NEEDS_JSON: needs({ guard: "failure" }),
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("not notifying (failed)");
  });
});
