/**
 * A small, pure model of how GitHub judges a ref update or a pull-request merge against
 * repository rulesets, driven by the ruleset data this module's builders generate
 * (`rulesets.ts`). It answers "would GitHub allow this?" for tests that replay a real git
 * history (test/git-replay.test.ts), so a ruleset change that deadlocks a branch model, or lets
 * the wrong actor through, fails a test instead of a release.
 *
 * What it models, from GitHub's docs ("Available rules for rulesets", "About protected
 * branches", REST "Create a repository ruleset"):
 *  - a ruleset applies to a ref when it targets the ref's kind, and its `ref_name` condition
 *    includes the full ref (`~ALL` or fnmatch) and excludes do not;
 *  - a bypass actor (`always`) skips the whole ruleset: a team by membership, an integration by
 *    its app id (rulesets here name no other actor types);
 *  - creation / update / deletion / non_fast_forward restrict those ref updates;
 *  - required_linear_history refuses pushing merge commits, and merging a pull request with a
 *    merge commit;
 *  - pull_request refuses direct pushes to an existing ref and, on merge, asks for approvals
 *    and one of `allowed_merge_methods`;
 *  - required_status_checks asks each required context to have passed on the head commit and,
 *    when strict, the head to contain the base's tip ("require branches to be up to date");
 *    a direct push must carry passed checks too, except on creation with do_not_enforce_on_create;
 *  - branch_name_pattern / tag_name_pattern (RE2 regex) on a created ref's short name.
 * What it does not model: approvals' identities (counted only), merge queues, push rulesets,
 * organization rulesets, `pull_request` bypass mode.
 */
import { fnmatch, type MergeMethod, type RefKind } from "../release";
import type { RepositorySettings } from "./settings";
import type { RulesetSpec } from "./rulesets";

/** Who acts: a person (by the teams they are in) or a GitHub App (by app id). */
export type Actor =
  | { readonly kind: "user"; readonly login: string; readonly teams: readonly string[] }
  | { readonly kind: "app"; readonly name: string; readonly appId: number };

export interface Verdict {
  readonly allowed: boolean;
  /** Each refusal, naming the ruleset and the rule. Empty when allowed. */
  readonly reasons: readonly string[];
}

/** Does a ruleset's ref condition select this ref? */
export function selectsRef(ruleset: RulesetSpec, kind: RefKind, name: string): boolean {
  if (ruleset.target !== kind || ruleset.enforcement !== "active") return false;
  const ref = `${kind === "branch" ? "refs/heads/" : "refs/tags/"}${name}`;
  const { includes, excludes } = ruleset.conditions.refName;
  const included = includes.some((p) => p === "~ALL" || fnmatch(p, ref));
  return included && !excludes.some((p) => fnmatch(p, ref));
}

/** True when the actor is on the ruleset's bypass list. */
export function bypasses(ruleset: RulesetSpec, actor: Actor): boolean {
  return ruleset.bypassActors.some((b) =>
    b.actorType === "Team"
      ? actor.kind === "user" && actor.teams.includes(b.teamSlug)
      : actor.kind === "app" && actor.appId === b.actorId,
  );
}

function enforced(rulesets: readonly RulesetSpec[], kind: RefKind, name: string, actor: Actor) {
  return rulesets.filter((r) => selectsRef(r, kind, name) && !bypasses(r, actor));
}

/** A ref update as `git push` (or the contents API) makes it. */
export interface RefUpdate {
  readonly kind: RefKind;
  /** Short name: `main`, `v1.2.3`. */
  readonly name: string;
  /** The ref existed before. */
  readonly exists: boolean;
  /** The ref is deleted. */
  readonly deleted?: boolean;
  /** The new tip contains the old one (always true for a creation). */
  readonly fastForward: boolean;
  /** Some pushed commit has more than one parent. */
  readonly pushesMergeCommit: boolean;
  /** Required-check contexts that passed on the new tip. @default none */
  readonly passedChecks?: readonly string[];
}

export function judgePush(rulesets: readonly RulesetSpec[], actor: Actor, update: RefUpdate): Verdict {
  const reasons: string[] = [];
  const { kind, name } = update;
  const creating = !update.exists;
  const deleting = update.deleted === true;
  for (const r of enforced(rulesets, kind, name, actor)) {
    const why = (rule: string) => reasons.push(`${r.name}: ${rule}`);
    const rules = r.rules;
    if (creating && rules.creation) why("creation is restricted");
    if (deleting && rules.deletion) why("deletion is restricted");
    if (deleting) continue;
    if (update.exists && rules.update) why("updates are restricted");
    if (update.exists && rules.nonFastForward && !update.fastForward) why("force pushes are blocked");
    if (rules.requiredLinearHistory && update.pushesMergeCommit)
      why("merge commits are refused (linear history)");
    if (update.exists && rules.pullRequest) why("changes must be made through a pull request");
    const checks = rules.requiredStatusChecks;
    if (checks && !(creating && checks.doNotEnforceOnCreate)) {
      const missing = checks.requiredChecks.filter((c) => !(update.passedChecks ?? []).includes(c.context));
      if (missing.length > 0) why(`required checks not passed: ${missing.map((c) => c.context).join(", ")}`);
    }
    const pattern = kind === "branch" ? rules.branchNamePattern : rules.tagNamePattern;
    if (creating && pattern && new RegExp(pattern.pattern).test(name) === pattern.negate) {
      why(`${pattern.name}: ${name} does not match ${pattern.pattern}`);
    }
  }
  return { allowed: reasons.length === 0, reasons };
}

/** A pull request at the moment someone presses "Merge". */
export interface PullRequestMerge {
  readonly base: string;
  readonly head: string;
  readonly method: MergeMethod;
  /** `git merge-base --is-ancestor <base tip> <head tip>`. */
  readonly headContainsBase: boolean;
  /** Check contexts that passed on the head commit. */
  readonly passedChecks: readonly string[];
  /** Approving reviews by people other than the last pusher, code owners among them. */
  readonly approvals: number;
}

type MergeSettings = Pick<RepositorySettings, "allowSquashMerge" | "allowMergeCommit" | "allowRebaseMerge">;

export function judgeMerge(
  rulesets: readonly RulesetSpec[],
  settings: MergeSettings,
  actor: Actor,
  pr: PullRequestMerge,
): Verdict {
  const reasons: string[] = [];
  const enabled = {
    squash: settings.allowSquashMerge,
    merge: settings.allowMergeCommit,
    rebase: settings.allowRebaseMerge,
  }[pr.method];
  if (!enabled) reasons.push(`repository: ${pr.method} merges are disabled`);
  for (const r of enforced(rulesets, "branch", pr.base, actor)) {
    const why = (rule: string) => reasons.push(`${r.name}: ${rule}`);
    const rules = r.rules;
    if (rules.requiredLinearHistory && pr.method === "merge")
      why("merge commits are refused (linear history)");
    if (rules.pullRequest) {
      if (!rules.pullRequest.allowedMergeMethods.includes(pr.method)) {
        why(
          `${pr.method} is not an allowed merge method (${rules.pullRequest.allowedMergeMethods.join(", ")})`,
        );
      }
      if (pr.approvals < rules.pullRequest.requiredApprovingReviewCount) {
        why(`${rules.pullRequest.requiredApprovingReviewCount} approvals required`);
      }
    }
    const checks = rules.requiredStatusChecks;
    if (checks) {
      const missing = checks.requiredChecks.filter((c) => !pr.passedChecks.includes(c.context));
      if (missing.length > 0) why(`required checks not passed: ${missing.map((c) => c.context).join(", ")}`);
      if (checks.strictRequiredStatusChecksPolicy && !pr.headContainsBase) {
        why(`${pr.head} is not up to date with ${pr.base}`);
      }
    }
  }
  return { allowed: reasons.length === 0, reasons };
}
