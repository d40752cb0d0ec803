/**
 * zizmor (static analysis for GitHub Actions, `scripts/test-tools.sh` installs 1.32.0) audits every
 * generated file of every variant — workflows, the Dependabot config and the pre-commit config —
 * offline, with its default ("regular") persona: no finding above "low", and each low finding's
 * audit is explained in components/pipeline/README.md ("zizmor" section). zizmor is first shown
 * to find planted faults, so a silent tool cannot pass.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { generatedFiles } from "./workflow-variants";
import { work } from "./pipeline-harness";

type Finding = {
  ident: string;
  determinations: { severity: string; confidence: string };
  locations: { symbolic: { key: { Local?: { given_path: string } } } }[];
};

function zizmor(dirs: string[]): Finding[] {
  const r = spawnSync("zizmor", ["--offline", "--collect=all", "--format=json", "--no-exit-codes", ...dirs], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`zizmor is not installed (npm run test:setup): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`zizmor failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Finding[];
}

const where = (f: Finding) => f.locations[0]?.symbolic?.key?.Local?.given_path ?? "?";

describe("zizmor", () => {
  it("is 1.32.0 and finds planted faults (injection, dangerous trigger, unpinned action)", () => {
    const version = spawnSync("zizmor", ["--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toBe("zizmor 1.32.0");
    const dir = path.join(work, "zizmor-planted");
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, ".github", "workflows", "bad.yml"),
      [
        "on: pull_request_target",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-24.04",
        "    steps:",
        "      - uses: actions/checkout@v4",
        '      - run: echo "${{ github.event.pull_request.title }}"',
        "",
      ].join("\n"),
    );
    const idents = zizmor([dir]).map((f) => f.ident);
    expect(idents).toEqual(
      expect.arrayContaining(["template-injection", "dangerous-triggers", "unpinned-uses"]),
    );
  });

  it("finds nothing above low in any generated file of any variant (all three branch models)", () => {
    const root = path.join(work, "zizmor-generated");
    const dirs = new Set<string>();
    const files = generatedFiles();
    for (const f of files) {
      const dir = path.join(root, `${f.variant}-${f.service.name}`.replace(/[^A-Za-z0-9-]+/g, "_"));
      dirs.add(dir);
      fs.mkdirSync(path.join(dir, path.dirname(f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.content);
    }
    expect(new Set(files.map((f) => f.policy.model))).toEqual(
      new Set(["trunk", "staging-branch", "pre-production"]),
    );
    expect(files.some((f) => f.path === ".github/dependabot.yml")).toBe(true);
    const findings = zizmor([...dirs]);
    const aboveLow = findings
      .filter((f) => !["Low", "Informational", "Unknown"].includes(f.determinations.severity))
      .map((f) => `${f.ident} (${f.determinations.severity}) in ${where(f)}`);
    expect(aboveLow).toEqual([]);
    // Every remaining low finding's audit is explained in the pipeline README.
    const readme = fs.readFileSync(path.join(__dirname, "..", "components", "pipeline", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## zizmor"));
    for (const ident of new Set(findings.map((f) => f.ident)))
      expect({ ident, explained: section.includes(`\`${ident}\``) }).toEqual({ ident, explained: true });
  });
});
