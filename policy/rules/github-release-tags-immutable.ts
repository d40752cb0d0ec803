/**
 * github-release-tags-immutable — a release is what was approved; a tag that can be moved or
 * deleted lets someone ship different code under an approved version. Mirrors OpenSSF Scorecard
 * Branch-Protection's intent for release refs and SLSA's immutable-reference requirement (no
 * checkov id). Mandatory. Stack rule: each repository needs an active tag ruleset, without bypass
 * actors, with `deletion` and `update`, covering every release tag the release policy names.
 */
import { fnmatch } from "../../components/release";
import type { Finding, StackRule } from "../types";
import { isUnknown, ofType, readRuleset, str, T, type Ruleset } from "./util";

/** Tag names that stand for the policy's release tags (each checked against the exact regex). */
const SAMPLES = ["v1.2.3", "v10.20.30", "v1.2.3-rc.1", "v2.0.0-rc.12"];

function covers(rs: Ruleset, tag: string): boolean {
  const ref = `refs/tags/${tag}`;
  const hit = (p: string) => p === "~ALL" || fnmatch(p, ref);
  return rs.includes.some(hit) && !rs.excludes.some(hit);
}

export const githubReleaseTagsImmutable: StackRule = {
  kind: "stack",
  id: "github-release-tags-immutable",
  description:
    "Release tags cannot be updated or deleted: an active tag ruleset without bypass forbids both.",
  mirrors: "SLSA source track: immutable references (no checkov id)",
  level: "mandatory",
  check(resources, ctx) {
    const samples = ctx.policy
      ? SAMPLES.filter((t) => ctx.policy!.releaseTags.some((m) => new RegExp(m.regex).test(t)))
      : ["v1.2.3"];
    const rulesets = ofType(resources, T.ghRuleset)
      .map(readRuleset)
      .filter((rs) => rs.target === "tag" && (rs.active || isUnknown(rs.resource.inputs.enforcement)));
    const findings: Finding[] = [];
    for (const repo of ofType(resources, T.ghRepository)) {
      const name = str(repo.inputs.name);
      const mine = rulesets.filter(
        (rs) => rs.repository === name || (name === undefined && rs.resource.parent === repo.parent),
      );
      const guarding = mine.filter((rs) => rs.rules.deletion === true && rs.rules.update === true);
      for (const tag of samples) {
        const strict = guarding.filter((rs) => covers(rs, tag));
        if (strict.some((rs) => rs.bypassActors.length === 0)) continue;
        findings.push({
          urn: strict[0]?.resource.urn ?? repo.urn,
          message:
            strict.length > 0
              ? `${name ?? repo.name}: release tag ${tag} is protected only by rulesets with bypass actors`
              : `${name ?? repo.name}: no active tag ruleset forbids updating and deleting release tag ${tag}`,
        });
      }
    }
    return findings;
  },
};
