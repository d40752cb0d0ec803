import { execFileSync } from "child_process";
import * as path from "path";
import { releasePolicy } from "../components/release";
import { escapeLabel, renderDiagram } from "../plan/diagram";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";

/** Mermaid's own parser, run in a child process (Mermaid is ESM-only and browser-minded). */
function mermaidErrors(diagrams: string[]): (string | null)[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, "diagram-mermaid.mjs")], {
    input: JSON.stringify(diagrams),
    encoding: "utf8",
    timeout: 30_000,
  });
  return JSON.parse(out);
}

const NODE = /^\s*([A-Za-z][A-Za-z0-9_]*)(\[\/|\[\[|\(\[|\{\{|\[|\()"([^"]*)"(\/\]|\]\]|\]\)|\}\}|\]|\))$/;
const EDGE = /^\s*([A-Za-z][A-Za-z0-9_]*) (-->|-\.->)(?:\|"([^"]*)"\|)? ([A-Za-z][A-Za-z0-9_]*)$/;
const SUBGRAPH = /^\s*subgraph ([A-Za-z][A-Za-z0-9_]*)\["([^"]*)"\]$/;

/** A small structural reader: every line is a header, comment, node, edge, subgraph or end. */
function structure(text: string) {
  const nodes = new Map<string, string>();
  const edges: { from: string; to: string; label?: string }[] = [];
  const problems: string[] = [];
  let depth = 0;
  const lines = text.trimEnd().split("\n");
  if (lines[0] !== "flowchart LR") problems.push(`first line is ${JSON.stringify(lines[0])}`);
  for (const line of lines.slice(1)) {
    let m: RegExpMatchArray | null;
    if (/^\s*%%/.test(line)) continue;
    if ((m = line.match(SUBGRAPH))) {
      depth++;
      continue;
    }
    if (/^\s*end$/.test(line)) {
      depth--;
      if (depth < 0) problems.push("unbalanced end");
      continue;
    }
    if ((m = line.match(NODE))) {
      if (nodes.has(m[1])) problems.push(`node ${m[1]} defined twice`);
      nodes.set(m[1], m[3]);
      continue;
    }
    if ((m = line.match(EDGE))) {
      edges.push({ from: m[1], to: m[4], label: m[3] });
      continue;
    }
    problems.push(`unrecognised line: ${line}`);
  }
  if (depth !== 0) problems.push("unbalanced subgraph");
  for (const e of edges) {
    for (const end of [e.from, e.to]) if (!nodes.has(end)) problems.push(`edge to undefined node ${end}`);
  }
  const labels = [...nodes.values(), ...edges.map((e) => e.label ?? "")].join("\n");
  return { nodes, edges, problems, labels };
}

describe("renderDiagram", () => {
  describe.each(BRANCH_MODELS_UNDER_TEST)("%s model", (model) => {
    const spec = teamFor(model);
    const policy = releasePolicy(spec);
    const text = renderDiagram(spec, policy);
    const { nodes, edges, problems, labels } = structure(text);

    it("is a well-formed flowchart whose edges join defined nodes", () => {
      expect(problems).toEqual([]);
      expect(nodes.size).toBeGreaterThan(5);
    });

    it("shows every protected branch with its required checks and approvals", () => {
      for (const b of policy.protectedBranches) {
        const pr = [...nodes.values()].find((l) => l.startsWith(`pull request into ${b.name}<br/>`));
        expect(pr).toBeDefined();
        for (const check of b.requiredChecks) expect(pr).toContain(check);
        expect(pr).toContain(`${b.requiredApprovals} approval`);
        expect(labels).toContain(`protected branch ${b.name}`);
      }
    });

    it("shows every work branch opening a pull request", () => {
      for (const w of policy.workBranches) expect(labels).toContain(escapeLabel(w.label));
      expect(edges.filter((e) => e.label === "opens").length).toBeGreaterThanOrEqual(
        policy.workBranches.length,
      );
    });

    it("shows every deployment: trigger with its exact regex, environment with its approvers", () => {
      for (const d of policy.deployments) {
        const env = nodes.get(`env_${d.environment.replace(/-/g, "_")}`);
        expect(env).toContain(`environment ${d.environment}`);
        for (const r of d.reviewers) expect(env).toContain(r);
        if (d.waitTimerMinutes > 0) expect(env).toContain(`wait ${d.waitTimerMinutes} minute`);
        const trigger = nodes.get(`trigger_${d.environment.replace(/-/g, "_")}`);
        expect(trigger).toContain(escapeLabel(d.trigger.regex));
        expect(trigger).toContain(escapeLabel(d.trigger.label));
        // trigger -> environment edge, labelled with how the image arrives
        expect(
          edges.some(
            (e) => e.from.startsWith("trigger_") && e.to === `env_${d.environment.replace(/-/g, "_")}`,
          ),
        ).toBe(true);
      }
    });

    it("says the image is built once and promoted by digest", () => {
      expect(labels).toContain("built once on");
      const promotions = policy.deployments.filter((d) => d.promotesFrom);
      expect(edges.filter((e) => e.label === "same image digest")).toHaveLength(promotions.length);
    });
  });

  it("follows the spec: production approvers and approvals counts change the picture", () => {
    const spec = teamFor("trunk", {
      people: { maintainers: ["alice"], reviewers: [], requiredApprovals: 3 },
      environments: [
        { name: "integration", role: "integration" },
        { name: "staging", role: "staging" },
        {
          name: "live",
          role: "production",
          requiredReviewers: ["acme/release-managers"],
          waitTimerMinutes: 30,
        },
      ],
    });
    const text = renderDiagram(spec, releasePolicy(spec));
    expect(text).toContain("3 approvals");
    expect(text).toContain("environment live");
    expect(text).toContain("approvers: acme/release-managers");
    expect(text).toContain("wait 30 minutes");
    expect(text).not.toContain("environment production");
  });

  it("escapes what Mermaid cannot take inside a quoted label", () => {
    expect(escapeLabel(`say "hi" <b> #1 & more`)).toBe("say #quot;hi#quot; #lt;b#gt; #35;1 #38; more");
    expect(escapeLabel("a\nb")).toBe("a b");
  });

  it("the structure reader catches a broken chart (so the checks above can fail)", () => {
    expect(structure('flowchart LR\n  a["x"]\n  a --> b\n').problems).toContain("edge to undefined node b");
    expect(structure('flowchart LR\n  a["x "y""]\n').problems.length).toBeGreaterThan(0);
  });

  it("parses with Mermaid's own parser for every model and the reference team", () => {
    const specs = [...BRANCH_MODELS_UNDER_TEST.map((m) => teamFor(m)), referenceTeam()];
    const diagrams = specs.map((s) => renderDiagram(s, releasePolicy(s)));
    // A deliberately broken chart proves the parser is really judging.
    const results = mermaidErrors([...diagrams, 'flowchart LR\n  a["x"] -->|"y| b\n']);
    expect(results.slice(0, diagrams.length)).toEqual(diagrams.map(() => null));
    expect(results[diagrams.length]).toMatch(/Parse error/);
  });
});
