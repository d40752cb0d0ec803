/**
 * github-branch-two-approvals — one approval lets two people ship anything together; Scorecard's
 * Branch-Protection tier 4 asks for two. Mirrors OpenSSF Scorecard Branch-Protection (≥2
 * reviewers). Advisory: small teams may run with one (the spec's `requiredApprovals`).
 */
import type { StackRule } from "../types";
import { approvalsOf, onlyAutomationBypass, protectedBranches } from "./branches";

export const githubBranchTwoApprovals: StackRule = {
  kind: "stack",
  id: "github-branch-two-approvals",
  description: "Protected branches require two approvals (Scorecard Branch-Protection tier 4).",
  mirrors: "OpenSSF Scorecard Branch-Protection (tier 4: ≥2 reviewers)",
  level: "advisory",
  check(resources, ctx) {
    return protectedBranches(resources, ctx).flatMap((b) => {
      if (b.rulesets.length === 0) return []; // github-branch-protection reports it
      const approvals = Math.max(
        0,
        ...b.rulesets.filter((rs) => onlyAutomationBypass(rs, ctx.automationAppId)).map(approvalsOf),
      );
      if (approvals >= 2) return [];
      return [
        {
          urn: b.urn,
          message: `${b.repository}: branch ${b.branch} requires ${approvals} approval(s); Scorecard's top tier asks for 2`,
        },
      ];
    });
  },
};
