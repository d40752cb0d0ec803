/**
 * What GitHub enforces on a branch: the union of every active branch ruleset whose `ref_name`
 * condition covers it. Shared by the branch-protection rules.
 */
import { fnmatch, GITHUB_ACTIONS_APP_ID, type ReleasePolicy } from "../../components/release";
import type { CheckedResource, RuleContext } from "../types";
import { arr, isUnknown, num, obj, ofType, readRuleset, str, T, type Ruleset } from "./util";

/** A branch of a repository and the rulesets that cover it. */
export interface ProtectedBranchRules {
  readonly repository: string;
  /** Short name, or `~DEFAULT_BRANCH` when only that is known. */
  readonly branch: string;
  /** The resource a violation is reported on: the first covering ruleset, else the repository. */
  readonly urn: string;
  readonly rulesets: readonly Ruleset[];
  /** What the spec's release policy asks of this branch, when known. */
  readonly expected?: ReleasePolicy["protectedBranches"][number];
}

const DEFAULT = "~DEFAULT_BRANCH";

/** True when a ref condition (includes minus excludes) covers `refs/heads/<branch>`. */
export function coversBranch(rs: Ruleset, branch: string, defaultBranch?: string): boolean {
  const ref = `refs/heads/${branch}`;
  const hit = (p: string) =>
    p === "~ALL" ||
    (p === DEFAULT && (branch === DEFAULT || branch === defaultBranch)) ||
    (p !== DEFAULT && fnmatch(p, ref));
  return rs.includes.some(hit) && !rs.excludes.some(hit);
}

/** Every protected branch of every repository in the stack, with the rulesets covering it. */
export function protectedBranches(
  resources: readonly CheckedResource[],
  ctx: RuleContext,
): ProtectedBranchRules[] {
  const rulesets = ofType(resources, T.ghRuleset)
    .map(readRuleset)
    .filter((rs) => rs.target === "branch" && (rs.active || isUnknown(rs.resource.inputs.enforcement)));
  const repoResources = ofType(resources, T.ghRepository);
  const repoNames = new Set<string>();
  for (const r of repoResources) {
    const name = str(r.inputs.name);
    if (name) repoNames.add(name);
  }
  for (const rs of rulesets) if (rs.repository) repoNames.add(rs.repository);

  const out: ProtectedBranchRules[] = [];
  for (const repository of repoNames) {
    const mine = rulesets.filter((rs) => rs.repository === repository);
    const repoUrn = repoResources.find((r) => r.inputs.name === repository)?.urn ?? mine[0]?.resource.urn;
    if (!repoUrn) continue;
    const branches: { name: string; expected?: ProtectedBranchRules["expected"] }[] = ctx.policy
      ? ctx.policy.protectedBranches.map((b) => ({ name: b.name, expected: b }))
      : literalBranches(mine).map((name) => ({ name }));
    for (const b of branches) {
      const covering = mine.filter((rs) => coversBranch(rs, b.name, ctx.policy?.defaultBranch));
      out.push({
        repository,
        branch: b.name,
        urn: covering[0]?.resource.urn ?? repoUrn,
        rulesets: covering,
        expected: b.expected,
      });
    }
  }
  return out;
}

/** Without a release policy: branches a ruleset names exactly (no wildcard), and the default. */
function literalBranches(rulesets: readonly Ruleset[]): string[] {
  const names = new Set<string>();
  for (const rs of rulesets) {
    for (const p of rs.includes) {
      if (p === DEFAULT) names.add(DEFAULT);
      const m = /^refs\/heads\/([^*?[\]]+)$/.exec(p);
      if (m) names.add(m[1]);
    }
  }
  return [...names];
}

/** The pull request rule of a ruleset, read defensively. */
export function pullRequestOf(rs: Ruleset): Record<string, unknown> | undefined {
  return obj(rs.rules.pullRequest);
}

export function approvalsOf(rs: Ruleset): number {
  return num(pullRequestOf(rs)?.requiredApprovingReviewCount) ?? 0;
}

export function statusChecksOf(rs: Ruleset): { context: string; integrationId?: number }[] {
  return arr(obj(rs.rules.requiredStatusChecks)?.requiredChecks).flatMap((c) => {
    const o = obj(c);
    const context = str(o?.context);
    return context ? [{ context, integrationId: num(o?.integrationId) }] : [];
  });
}

/**
 * True when every bypass actor is the GitHub App Pulumi runs as: it commits the files it manages
 * (CODEOWNERS, workflows) and can edit the ruleset anyway, so its bypass grants nothing new.
 * Never the GitHub Actions app (that would let any workflow push past the rules).
 */
export function onlyAutomationBypass(rs: Ruleset, automationAppId: number | undefined): boolean {
  return rs.bypassActors.every((a) => {
    const o = obj(a);
    const id = num(o?.actorId);
    if (o?.actorType !== "Integration" || id === undefined || id === GITHUB_ACTIONS_APP_ID) return false;
    return automationAppId === undefined || id === automationAppId;
  });
}

/** Bypass actors, shown for a message. */
export function bypassOf(rs: Ruleset): string[] {
  return rs.bypassActors.map((a) => {
    const o = obj(a) ?? {};
    return `${String(o.actorType ?? "?")}${o.actorId !== undefined ? `#${String(o.actorId)}` : ""}`;
  });
}
