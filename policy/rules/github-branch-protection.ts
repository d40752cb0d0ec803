/**
 * github-branch-protection — protected branches reach OpenSSF Scorecard's Branch-Protection top
 * tier: no force push, no deletion, nobody exempt (no bypass actors but the GitHub App Pulumi
 * runs as, which `github-branch-no-bypass` reports as advice), pull requests with at
 * least one approval, code-owner review, stale approvals dismissed, approval of the last push,
 * required status checks (those the release policy names, from GitHub Actions). Mirrors OpenSSF
 * Scorecard Branch-Protection. Mandatory. Fewer than two approvals is `github-branch-two-approvals`
 * (advisory). Stack rule: GitHub applies every ruleset covering a branch, so they are judged
 * together; a requirement counts only when a ruleset without bypass actors imposes it.
 */
import { GITHUB_ACTIONS_APP_ID } from "../../components/release";
import type { Finding, StackRule } from "../types";
import {
  approvalsOf,
  bypassOf,
  onlyAutomationBypass,
  protectedBranches,
  pullRequestOf,
  statusChecksOf,
} from "./branches";
import type { Ruleset } from "./util";

interface Requirement {
  readonly what: string;
  readonly met: (rs: Ruleset) => boolean;
}

const REQUIREMENTS: readonly Requirement[] = [
  { what: "pull requests (rules.pullRequest)", met: (rs) => pullRequestOf(rs) !== undefined },
  {
    what: "at least one approval (pullRequest.requiredApprovingReviewCount ≥ 1)",
    met: (rs) => approvalsOf(rs) >= 1,
  },
  {
    what: "dismissing stale approvals (pullRequest.dismissStaleReviewsOnPush)",
    met: (rs) => pullRequestOf(rs)?.dismissStaleReviewsOnPush === true,
  },
  {
    what: "code-owner review (pullRequest.requireCodeOwnerReview)",
    met: (rs) => pullRequestOf(rs)?.requireCodeOwnerReview === true,
  },
  {
    what: "approval of the last push (pullRequest.requireLastPushApproval)",
    met: (rs) => pullRequestOf(rs)?.requireLastPushApproval === true,
  },
  { what: "status checks (rules.requiredStatusChecks)", met: (rs) => statusChecksOf(rs).length > 0 },
  { what: "no force push (rules.nonFastForward)", met: (rs) => rs.rules.nonFastForward === true },
  { what: "no deletion (rules.deletion)", met: (rs) => rs.rules.deletion === true },
];

export const githubBranchProtection: StackRule = {
  kind: "stack",
  id: "github-branch-protection",
  description:
    "Protected branches meet OpenSSF Scorecard's Branch-Protection top tier through active rulesets without bypass.",
  mirrors: "OpenSSF Scorecard Branch-Protection",
  level: "mandatory",
  check(resources, ctx) {
    const findings: Finding[] = [];
    for (const b of protectedBranches(resources, ctx)) {
      const label = `${b.repository}: branch ${b.branch}`;
      if (b.rulesets.length === 0) {
        findings.push({ urn: b.urn, message: `${label} is not covered by any active branch ruleset` });
        continue;
      }
      const strict = b.rulesets.filter((rs) => onlyAutomationBypass(rs, ctx.automationAppId));
      for (const req of REQUIREMENTS) {
        if (strict.some(req.met)) continue;
        const bypassable = b.rulesets.filter(req.met);
        findings.push({
          urn: (bypassable[0] ?? b.rulesets[0]).resource.urn,
          message:
            bypassable.length > 0
              ? `${label} requires ${req.what} only in rulesets that ${bypassable.flatMap(bypassOf).join(", ")} may bypass`
              : `${label} does not require ${req.what}`,
        });
      }
      for (const rs of b.rulesets.filter((x) => !onlyAutomationBypass(x, ctx.automationAppId))) {
        findings.push({
          urn: rs.resource.urn,
          message: `${label}: ruleset has bypass actors (${bypassOf(rs).join(", ")}); the spec grants none`,
        });
      }
      if (b.expected) {
        const approvals = Math.max(0, ...strict.map(approvalsOf));
        if (approvals < b.expected.requiredApprovals) {
          findings.push({
            urn: b.urn,
            message: `${label} requires ${approvals} approval(s); the release policy asks for ${b.expected.requiredApprovals}`,
          });
        }
        const checks = strict.flatMap(statusChecksOf);
        for (const name of b.expected.requiredChecks) {
          const found = checks.filter((c) => c.context === name);
          if (found.length === 0) {
            findings.push({ urn: b.urn, message: `${label} does not require status check "${name}"` });
          } else if (!found.some((c) => c.integrationId === GITHUB_ACTIONS_APP_ID)) {
            findings.push({
              urn: b.urn,
              message: `${label}: status check "${name}" may be satisfied by any app; pin integrationId ${GITHUB_ACTIONS_APP_ID} (GitHub Actions)`,
            });
          }
        }
      }
    }
    return findings;
  },
};
