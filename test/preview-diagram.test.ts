/**
 * The previews' lines in the delivery diagram parse with Mermaid's own parser for every branch
 * model, and connect the pull requests to the environment that hosts the previews.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { releasePolicy } from "../components/release";
import { renderDiagram } from "../plan/diagram";
import { previewDiagramLines } from "../plan/preview-diagram";
import { BRANCH_MODELS_UNDER_TEST, referenceTeam, teamFor } from "./fixtures";

function mermaidErrors(diagrams: string[]): (string | null)[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, "diagram-mermaid.mjs")], {
    input: JSON.stringify(diagrams),
    encoding: "utf8",
    timeout: 30_000,
  });
  return JSON.parse(out);
}

it("adds a previews node fed by pull requests and hosted by the preview environment, for every model", () => {
  const teams = [referenceTeam(), ...BRANCH_MODELS_UNDER_TEST.map((m) => teamFor(m))];
  const diagrams = teams.map((spec) => {
    const policy = releasePolicy(spec);
    const lines = previewDiagramLines(spec, policy);
    const base = renderDiagram(spec, policy);
    for (const line of lines.slice(1)) {
      const ids = line.match(/^\s*(\S+) -\.?->.*\| (\S+)$/)!;
      expect(ids).not.toBeNull();
      for (const id of [ids[1], ids[2]]) expect(id === "previews" || base.includes(`  ${id}`)).toBe(true);
    }
    return base + lines.join("\n") + "\n";
  });
  expect(diagrams[0]).toContain('previews -.->|"own t4g.medium server beside integration"| env_integration');
  expect(diagrams[0]).toContain("http://‹server›/previews/‹service›/pr-‹n›/");
  expect(mermaidErrors(diagrams)).toEqual(diagrams.map(() => null));
  expect(
    previewDiagramLines(teamFor("trunk", { previews: { enabled: false } }), releasePolicy(teamFor("trunk"))),
  ).toEqual([]);
});

it("says when previews have their own server", () => {
  const spec = teamFor("trunk", { previews: { instanceType: "t4g.small", maxPerService: 1 } });
  const lines = previewDiagramLines(spec, releasePolicy(spec));
  expect(lines[lines.length - 1]).toContain('"own t4g.small server beside integration"');
});
