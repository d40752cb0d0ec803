/**
 * github-branch-no-bypass — Scorecard's top Branch-Protection tier wants nobody exempt; a ruleset
 * with any bypass actor (even the GitHub App Pulumi runs as, which `github-branch-protection`
 * tolerates so managed files can be committed) scores as "admins exempt". Mirrors OpenSSF
 * Scorecard Branch-Protection (tier 5: no exemptions). Advisory: the automation bypass is a
 * deliberate trade-off; remove the app id to score the top tier and commit managed files before
 * the rulesets exist.
 */
import type { StackRule } from "../types";
import { bypassOf, protectedBranches } from "./branches";

export const githubBranchNoBypass: StackRule = {
  kind: "stack",
  id: "github-branch-no-bypass",
  description: "Protected-branch rulesets have no bypass actors at all (Scorecard: nobody exempt).",
  mirrors: "OpenSSF Scorecard Branch-Protection (tier 5: admins not exempt)",
  level: "advisory",
  check(resources, ctx) {
    const seen = new Set<string>();
    return protectedBranches(resources, ctx).flatMap((b) =>
      b.rulesets
        .filter((rs) => rs.bypassActors.length > 0 && !seen.has(rs.resource.urn))
        .map((rs) => {
          seen.add(rs.resource.urn);
          return {
            urn: rs.resource.urn,
            message: `${b.repository}: branch ${b.branch} can be bypassed by ${bypassOf(rs).join(", ")}; Scorecard counts that as exempt`,
          };
        }),
    );
  },
};
