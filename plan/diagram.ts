/**
 * The team's delivery flow as a Mermaid flowchart, drawn only from the release policy and the
 * spec: work branches → pull requests (required checks, approvals) → protected branches →
 * triggers (branch pushes, tags with their exact regexes) → environments (reviewers, wait timer),
 * and how the image moves (built once, then promoted by digest).
 *
 * Nothing here names a branch, tag, check or environment itself: if the policy changes, the
 * picture changes with it. Pure: no Pulumi, no I/O.
 */
import type { TeamSpec } from "../components/team";
import type { ArtifactStrategy, Deployment, ReleasePolicy, RefMatcher } from "../components/release";
import { previewDiagramLines } from "./preview-diagram";

/** One node of the chart: a stable id and the lines of its label. */
interface Node {
  readonly id: string;
  readonly shape: Shape;
  readonly lines: readonly string[];
}

type Shape = "box" | "round" | "stadium" | "hexagon" | "parallelogram" | "subroutine";

const OPEN_CLOSE: Readonly<Record<Shape, readonly [string, string]>> = {
  box: ["[", "]"],
  round: ["(", ")"],
  stadium: ["([", "])"],
  hexagon: ["{{", "}}"],
  parallelogram: ["[/", "/]"],
  subroutine: ["[[", "]]"],
};

/** What a reader needs to know about each artifact strategy, in a few words. */
const ARTIFACT_TEXT: Readonly<Record<ArtifactStrategy, string>> = {
  build: "build once: image sha-‹commit›",
  "promote-commit": "promote digest of the tagged commit",
  "promote-merge-parent": "promote digest of the merged branch head",
  "promote-latest-rc": "promote digest of the newest rc of this version",
};

/**
 * Escapes text for a double-quoted Mermaid label. Mermaid has no backslash escapes: a quote,
 * `#`, `<`, `>` and `&` are written as entity codes, and line breaks become `<br/>`.
 */
export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/&/g, "#38;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/[\r\n]+/g, " ");
}

/** A Mermaid node id from free text: letters, digits and underscores, never a keyword. */
export function nodeId(prefix: string, key: string): string {
  return `${prefix}_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
}

function renderNode(n: Node): string {
  const [open, close] = OPEN_CLOSE[n.shape];
  return `${n.id}${open}"${n.lines.map(escapeLabel).join("<br/>")}"${close}`;
}

function edge(from: string, to: string, label?: string, dotted = false): string {
  const arrow = dotted ? "-.->" : "-->";
  return label === undefined ? `${from} ${arrow} ${to}` : `${from} ${arrow}|"${escapeLabel(label)}"| ${to}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function matcherLines(m: RefMatcher): string[] {
  // The fnmatch patterns only fence; the exact regex decides (DESIGN.md, "Release tags: the trap").
  const lines = [m.label, `exact: ${m.regex}`];
  if (!m.patternsExact) lines.push(`fence: ${m.patterns.join(", ")} + regex guard`);
  return lines;
}

function environmentLines(d: Deployment): string[] {
  const lines = [`environment ${d.environment}`, `role: ${d.role}`];
  lines.push(d.reviewers.length > 0 ? `approvers: ${d.reviewers.join(", ")}` : "no approval");
  if (d.waitTimerMinutes > 0) lines.push(`wait ${plural(d.waitTimerMinutes, "minute")}`);
  if (d.preventSelfReview && d.reviewers.length > 0) lines.push("no self-approval");
  return lines;
}

/** Renders the flow as Mermaid `flowchart` text (no fences). */
export function renderDiagram(spec: TeamSpec, policy: ReleasePolicy): string {
  const out: string[] = [
    "flowchart LR",
    `%% ${policy.model} model of team ${spec.name}: generated from the release policy, do not edit by hand`,
  ];
  const indent = (lines: string[]) => lines.map((l) => `    ${l}`);

  // Work branches, and any other source of a pull request that is not a protected branch.
  const isProtected = (m: RefMatcher) => policy.protectedBranches.some((p) => p.matcher.regex === m.regex);
  const workIds = new Map<string, string>();
  const work: string[] = [];
  const sources = [...policy.workBranches, ...policy.protectedBranches.flatMap((b) => b.pullRequestsFrom)];
  for (const m of sources) {
    if (isProtected(m) || workIds.has(m.regex)) continue;
    const id = nodeId("work", m.patterns[0].replace(/\/\*.*$/, ""));
    workIds.set(m.regex, id);
    work.push(renderNode({ id, shape: "round", lines: [m.label] }));
  }
  out.push(`  subgraph work["${escapeLabel("Work branches")}"]`, ...indent(work), "  end");

  const branchIds = new Map(policy.protectedBranches.map((b) => [b.name, nodeId("branch", b.name)] as const));
  const prs: string[] = [];
  const protectedNodes: string[] = [];
  const edges: string[] = [];
  for (const b of policy.protectedBranches) {
    const prId = nodeId("pr", b.name);
    const prLines = [
      `pull request into ${b.name}`,
      `required checks: ${b.requiredChecks.join(", ")}`,
      `${plural(b.requiredApprovals, "approval")} · ${b.mergeMethods.join("/")} merge`,
    ];
    if (b.sourceEnforcedByCheck) {
      prLines.push(`only from ${b.pullRequestsFrom.map((m) => m.patterns.join(", ")).join(", ")}`);
    }
    prs.push(renderNode({ id: prId, shape: "hexagon", lines: prLines }));
    protectedNodes.push(
      renderNode({
        id: branchIds.get(b.name)!,
        shape: "stadium",
        lines: [`protected branch ${b.name}`, ...(b.linearHistory ? ["linear history"] : [])],
      }),
    );
    for (const source of b.pullRequestsFrom) {
      // A source is either a work branch or another protected branch (promotion by pull request).
      const protectedSource = policy.protectedBranches.find((p) => p.matcher.regex === source.regex);
      const from = protectedSource ? branchIds.get(protectedSource.name)! : workIds.get(source.regex)!;
      edges.push(edge(from, prId, "opens"));
    }
    edges.push(edge(prId, branchIds.get(b.name)!, "merge"));
  }
  out.push(`  subgraph review["${escapeLabel("Pull requests")}"]`, ...indent(prs), "  end");
  out.push(
    `  subgraph protected["${escapeLabel("Protected branches")}"]`,
    ...indent(protectedNodes),
    "  end",
  );

  // Triggers and environments.
  const triggers: string[] = [];
  const environments: string[] = [];
  for (const d of policy.deployments) {
    const triggerId = nodeId("trigger", d.environment);
    const envId = nodeId("env", d.environment);
    const how =
      d.trigger.kind === "tag" ? `tag on ${d.sourceBranch}` : `push to ${d.trigger.patterns.join(", ")}`;
    triggers.push(
      renderNode({ id: triggerId, shape: "parallelogram", lines: [how, ...matcherLines(d.trigger)] }),
    );
    environments.push(renderNode({ id: envId, shape: "subroutine", lines: environmentLines(d) }));
    const source = branchIds.get(d.sourceBranch) ?? nodeId("branch", d.sourceBranch);
    edges.push(edge(source, triggerId, d.trigger.kind === "tag" ? "maintainer tags" : "on push"));
    edges.push(edge(triggerId, envId, ARTIFACT_TEXT[d.artifact]));
    if (d.promotesFrom) {
      edges.push(edge(nodeId("env", d.promotesFrom), envId, "same image digest", true));
    }
  }
  out.push(`  subgraph triggers["${escapeLabel("Triggers")}"]`, ...indent(triggers), "  end");
  out.push(`  subgraph environments["${escapeLabel("Environments")}"]`, ...indent(environments), "  end");

  // The artifact rule, once: only `build` builds; every later stage runs an earlier digest.
  const builders = policy.deployments.filter((d) => d.artifact === "build").map((d) => d.environment);
  const builds = policy.buildBranches.map((b) => b.patterns.join(", ")).join(", ");
  out.push(
    `  ${renderNode({
      id: "artifact",
      shape: "box",
      lines: [
        `artifact: built once on ${builds}${builders.length > 0 ? ` (deployed to ${builders.join(", ")})` : ""}`,
        "later environments promote the same digest, never rebuild",
      ],
    })}`,
  );
  for (const b of policy.buildBranches) {
    const id = branchIds.get(b.patterns[0]);
    if (id) edges.push(edge(id, "artifact", "builds", true));
  }

  out.push(...edges.map((e) => `  ${e}`));
  // Pull-request previews (plan/preview-diagram.ts): their node and edges, when the team has them.
  out.push(...previewDiagramLines(spec, policy));
  return `${out.join("\n")}\n`;
}
