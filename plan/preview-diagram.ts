/**
 * Previews in the delivery diagram: one node for the pull-request previews, fed by every pull
 * request into a protected branch and running on the environment that hosts them. Lines to append
 * to `renderDiagram`'s output (Mermaid takes nodes and edges in any order). Pure.
 */
import type { ReleasePolicy } from "../components/release";
import { resolvePreviews, type TeamSpec } from "../components/team";
import { escapeLabel, nodeId } from "./diagram";

export function previewDiagramLines(spec: TeamSpec, policy: ReleasePolicy): string[] {
  const plan = resolvePreviews(spec);
  if (!plan) return [];
  const where = plan.kubernetes
    ? `https://pr-‹n›-‹service›.${plan.kubernetes.domain}/`
    : plan.domain
      ? `https://pr-‹n›.‹service›.${plan.domain}/`
      : "http://‹server›/previews/‹service›/pr-‹n›/";
  const label = [
    "preview pr-‹n› per service",
    where,
    `at most ${plan.maxPerService} per service · removed on close or after ${plan.ttlDays} idle day(s)`,
    "no preview for forks",
  ];
  const lines = [`  previews(["${label.map(escapeLabel).join("<br/>")}"])`];
  for (const b of policy.protectedBranches) {
    lines.push(`  ${nodeId("pr", b.name)} -->|"${escapeLabel("each push: build once, deploy")}"| previews`);
  }
  lines.push(
    `  previews -.->|"${escapeLabel(
      plan.kubernetes
        ? `namespace ${plan.kubernetes.namespace} on the ${plan.environment} cluster`
        : plan.ownServer
          ? `own ${plan.instanceType} server beside ${plan.environment}`
          : `runs on the ${plan.environment} server`,
    )}"| ${nodeId("env", plan.environment)}`,
  );
  return lines;
}
