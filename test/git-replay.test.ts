/**
 * Three consecutive releases of every branch model, replayed on a real git repository: a bare
 * repository stands in for GitHub, pull requests are merged the way GitHub merges them (squash,
 * merge commit, "Update branch" = merge the base into the head), and before every ref update the
 * generated rulesets are judged by a pure model of GitHub's ruleset semantics
 * (components/github/ruleset-semantics.ts). The test fails if a model deadlocks (a promotion
 * that can never become mergeable), if a ruleset lets the wrong actor through, or if a deploy
 * trigger's commit is not where the release policy says it must be.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  GITHUB_ACTIONS_APP_ID,
  deploymentFor,
  pipelineBranches,
  releasePolicy,
  STATUS_CHECKS,
  type Deployment,
  type MergeMethod,
  type ProtectedBranch,
  type RefKind,
  type ReleasePolicy,
} from "../components/release";
import { SKIP_CI } from "../components/pipeline";
import {
  judgeMerge,
  judgePush,
  maintainersTeamName,
  repositoryRulesets,
  repositorySettings,
  type Actor,
  type RulesetSpec,
  type Verdict,
} from "../components/github";
import type { BranchModel, TeamSpec } from "../components/team";
import { BRANCH_MODELS_UNDER_TEST, teamFor } from "./fixtures";

const AUTOMATION_APP_ID = 424242;

/** A bare repository plus a working clone that plays both developers and GitHub's server. */
class Hub {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "git-replay-"));
  readonly origin = path.join(this.dir, "origin.git");
  readonly work = path.join(this.dir, "work");
  /** Every step, for the failure message. */
  readonly log: string[] = [];
  /** Commits with an image in the registry (`sha-<commit>`), by how the policy makes them. */
  readonly images = new Set<string>();
  private n = 0;

  constructor(
    readonly rulesets: readonly RulesetSpec[],
    readonly policy: ReleasePolicy,
    readonly spec: TeamSpec,
  ) {
    this.run(this.dir, "init", "-q", "--bare", this.origin);
    this.run(this.dir, "clone", "-q", this.origin, this.work);
  }

  run(cwd: string, ...args: string[]): string {
    // Every command a second later: real commits on different branches never share a timestamp,
    // and identical commits made within one second would otherwise get the same id.
    const date = `${1767225600 + this.n++} +0000`;
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "dev",
        GIT_AUTHOR_EMAIL: "dev@example.invalid",
        GIT_COMMITTER_NAME: "GitHub",
        GIT_COMMITTER_EMAIL: "noreply@example.invalid",
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
      },
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  }

  git(...args: string[]): string {
    return this.run(this.work, ...args);
  }

  /** The ref's commit on "GitHub", or undefined. */
  tip(kind: RefKind, name: string): string | undefined {
    const ref = `${kind === "branch" ? "refs/heads/" : "refs/tags/"}${name}`;
    const r = spawnSync("git", ["--git-dir", this.origin, "rev-parse", "--verify", "-q", `${ref}^{commit}`], {
      encoding: "utf8",
    });
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  branchTip(name: string): string {
    const sha = this.tip("branch", name);
    if (!sha) throw new Error(`no branch ${name}\n${this.log.join("\n")}`);
    return sha;
  }

  isAncestor(ancestor: string, of: string): boolean {
    return spawnSync("git", ["-C", this.work, "merge-base", "--is-ancestor", ancestor, of]).status === 0;
  }

  tree(commit: string): string {
    return this.git("rev-parse", `${commit}^{tree}`);
  }

  private fetch(): void {
    this.git("fetch", "-q", "--prune", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*");
  }

  /** A commit on top of `parent` changing one file. */
  commit(parent: string | undefined, file: string, content: string, message: string): string {
    if (parent) this.git("checkout", "-q", "--detach", parent);
    else this.git("checkout", "-q", "--orphan", `root-${this.n++}`);
    fs.mkdirSync(path.dirname(path.join(this.work, file)), { recursive: true });
    fs.writeFileSync(path.join(this.work, file), content);
    this.git("add", file);
    this.git("commit", "-q", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  /** Judges a push of `sha` to a ref and, when GitHub would allow it, performs it. */
  push(actor: Actor, kind: RefKind, name: string, sha: string, why: string): Verdict {
    const before = this.tip(kind, name);
    const verdict = judgePush(this.rulesets, actor, {
      kind,
      name,
      exists: before !== undefined,
      fastForward: before === undefined || this.isAncestor(before, sha),
      pushesMergeCommit:
        this.git("rev-list", "--min-parents=2", ...(before ? [`${before}..${sha}`] : [sha])) !== "",
    });
    this.record(`${actorName(actor)} pushes ${kind} ${name} (${why})`, verdict);
    if (verdict.allowed) {
      const ref = `${kind === "branch" ? "refs/heads/" : "refs/tags/"}${name}`;
      this.git("push", "-q", "origin", `${sha}:${ref}`);
    }
    return verdict;
  }

  /**
   * The checks CI reports on a pull request's head: lint, test and build pass; pr-source runs the
   * policy's rule. A head commit whose message says `[skip ci]` starts no workflow, so its checks
   * stay pending (docs.github.com, "Skipping workflow runs").
   */
  checksFor(base: string, head: string): string[] {
    if (this.git("log", "-1", "--format=%B", this.branchTip(head)).includes(SKIP_CI)) return [];
    const passed: string[] = [STATUS_CHECKS.lint, STATUS_CHECKS.test, STATUS_CHECKS.build];
    const target = this.policy.protectedBranches.find((b) => b.name === base);
    if (
      !target?.sourceEnforcedByCheck ||
      target.pullRequestsFrom.some((m) => new RegExp(m.regex).test(head))
    ) {
      passed.push(STATUS_CHECKS.prSource);
    }
    return passed;
  }

  /** Presses "Merge" on a pull request head → base, with enough approvals. */
  merge(actor: Actor, head: string, base: string, method: MergeMethod): Verdict & { sha?: string } {
    this.fetch();
    const baseTip = this.branchTip(base);
    const headTip = this.branchTip(head);
    const required = this.policy.protectedBranches.find((b) => b.name === base)?.requiredApprovals ?? 0;
    const verdict = judgeMerge(this.rulesets, repositorySettings(this.spec.services[0], this.policy), actor, {
      base,
      head,
      method,
      headContainsBase: this.isAncestor(baseTip, headTip),
      passedChecks: this.checksFor(base, head),
      approvals: required,
    });
    this.record(`${actorName(actor)} merges ${head} into ${base} (${method})`, verdict);
    if (!verdict.allowed) return verdict;
    this.git("checkout", "-q", "--detach", baseTip);
    if (method === "squash") {
      this.git("merge", "-q", "--squash", headTip);
      this.git("commit", "-q", "-m", `${head} (squashed)`);
    } else if (method === "merge") {
      this.git("merge", "-q", "--no-ff", "-m", `Merge pull request from ${head}`, headTip);
    } else {
      throw new Error("rebase merges are not replayed: no branch model allows them");
    }
    const sha = this.git("rev-parse", "HEAD");
    this.git("push", "-q", "origin", `${sha}:refs/heads/${base}`);
    return { ...verdict, sha };
  }

  /** GitHub's "Update branch" (merge): the base merged into the head, pushed to the head by `actor`. */
  updateBranch(actor: Actor, head: string, base: string): Verdict {
    this.fetch();
    this.git("checkout", "-q", "--detach", this.branchTip(head));
    this.git("merge", "-q", "--no-ff", "-m", `Merge ${base} into ${head}`, this.branchTip(base));
    return this.push(actor, "branch", head, this.git("rev-parse", "HEAD"), `update branch from ${base}`);
  }

  /** The contents API: one commit per file on the branch's tip (what github.RepositoryFile does). */
  commitFile(actor: Actor, branch: string, file: string, content: string): Verdict {
    const sha = this.commit(this.branchTip(branch), file, content, `ci: ${file} ${SKIP_CI}`);
    return this.push(actor, "branch", branch, sha, `commit ${file}`);
  }

  private record(step: string, verdict: Verdict): void {
    this.log.push(`${step}: ${verdict.allowed ? "allowed" : `refused — ${verdict.reasons.join("; ")}`}`);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function actorName(actor: Actor): string {
  return actor.kind === "user" ? actor.login : actor.name;
}

function actorsOf(spec: TeamSpec): Record<"writer" | "maintainer" | "automation" | "actions", Actor> {
  return {
    writer: { kind: "user", login: "dev", teams: [spec.name] },
    maintainer: {
      kind: "user",
      login: spec.people.maintainers[0],
      teams: [spec.name, maintainersTeamName(spec)],
    },
    automation: { kind: "app", name: "delivery-workflow app", appId: AUTOMATION_APP_ID },
    actions: { kind: "app", name: "GitHub Actions (GITHUB_TOKEN)", appId: GITHUB_ACTIONS_APP_ID },
  };
}

function rulesetsOf(spec: TeamSpec, policy: ReleasePolicy): RulesetSpec[] {
  return repositoryRulesets(spec, policy, maintainersTeamName(spec), AUTOMATION_APP_ID);
}

/** The promotion pull requests, in order: source → target for every promotion target. */
function promotions(policy: ReleasePolicy): Array<{ source: string; target: ProtectedBranch }> {
  return policy.protectedBranches
    .filter((b) => b.promotionTarget)
    .map((target) => ({ source: target.pullRequestsFrom[0].patterns[0], target }));
}

function workTarget(policy: ReleasePolicy): ProtectedBranch {
  const found = policy.protectedBranches.find((b) => !b.promotionTarget);
  if (!found) throw new Error(`${policy.model} has no branch work merges into`);
  return found;
}

/** What `up` does before any ruleset exists: the default branch, long-lived branches, managed files. */
function provision(hub: Hub): void {
  const { policy } = hub;
  const root = hub.commit(undefined, "README.md", "# service\n", "Initial commit");
  hub.git("push", "-q", "origin", `${root}:refs/heads/${policy.defaultBranch}`);
  for (const b of policy.protectedBranches) {
    if (b.name !== policy.defaultBranch) hub.git("push", "-q", "origin", `${root}:refs/heads/${b.name}`);
  }
  // Each branch gets its own commits of the same files (one contents-API commit per file).
  for (const b of pipelineBranches(policy)) {
    for (const file of [".github/CODEOWNERS", ".github/workflows/deploy.yml"]) {
      const sha = hub.commit(hub.branchTip(b), file, `${file} v1\n`, `ci: ${file} ${SKIP_CI}`);
      hub.git("push", "-q", "origin", `${sha}:refs/heads/${b}`);
    }
  }
}

function allowed(hub: Hub, verdict: Verdict): void {
  if (!verdict.allowed) throw new Error(`refused: ${verdict.reasons.join("; ")}\n${hub.log.join("\n")}`);
}

function refused(hub: Hub, verdict: Verdict, reason: RegExp): void {
  if (verdict.allowed) throw new Error(`allowed, expected a refusal (${reason})\n${hub.log.join("\n")}`);
  expect(verdict.reasons.join("; ")).toMatch(reason);
}

/**
 * What the deploy of `commit` needs from the registry, by the deployment's artifact strategy, and
 * what it leaves there: a release can only ship an image an earlier step really built.
 */
function deploy(hub: Hub, d: Deployment, commit: string, deployed: string[]): void {
  const message = hub.git("log", "-1", "--format=%B", commit);
  switch (d.artifact) {
    case "build":
      // A [skip ci] commit starts no workflow: nothing is built for it.
      if (!message.includes(SKIP_CI)) hub.images.add(commit);
      break;
    case "promote-merge-parent": {
      const head = hub.git("rev-parse", `${commit}^2`);
      expect([d.environment, "merged head has an image", hub.images.has(head)]).toEqual([
        d.environment,
        "merged head has an image",
        true,
      ]);
      hub.images.add(commit); // re-tagged sha-<merge commit>
      break;
    }
    case "promote-commit":
    case "promote-latest-rc":
      expect([d.environment, "tagged commit has an image", hub.images.has(commit)]).toEqual([
        d.environment,
        "tagged commit has an image",
        true,
      ]);
      break;
  }
  deployed.push(d.environment);
}

/**
 * One release: two pieces of work land on the work branch (the second needs "Update branch"),
 * then every promotion, then every tag the model deploys from. Returns the environments deployed.
 */
function release(hub: Hub, i: number): string[] {
  const { policy, spec } = hub;
  const actors = actorsOf(spec);
  const target = workTarget(policy);
  const deployed: string[] = [];

  // Release 2 starts with an `up` that ships a new version of the managed files to every
  // pipeline branch (only the app may). Those commits start nothing, so a promotion whose head is
  // one has pending checks: the release goes on with the next merged change.
  if (i === 2) {
    for (const branch of pipelineBranches(policy)) {
      refused(
        hub,
        hub.commitFile(actors.maintainer, branch, ".github/workflows/deploy.yml", "v2\n"),
        /pull request/,
      );
      allowed(hub, hub.commitFile(actors.automation, branch, ".github/workflows/deploy.yml", "v2\n"));
    }
    for (const { source, target: into } of promotions(policy)) {
      refused(hub, hub.merge(actors.writer, source, into.name, "merge"), /required checks not passed/);
    }
  }

  // Two changes branch from the same tip.
  const start = hub.branchTip(target.name);
  const a = `feature/r${i}-a`;
  const b = `hotfix/r${i}-b`;
  allowed(
    hub,
    hub.push(
      actors.writer,
      "branch",
      a,
      hub.commit(start, `src/a${i}.txt`, `${i}\n`, `feat ${i}`),
      "new work",
    ),
  );
  allowed(
    hub,
    hub.push(
      actors.writer,
      "branch",
      b,
      hub.commit(start, `src/b${i}.txt`, `${i}\n`, `fix ${i}`),
      "new work",
    ),
  );
  refused(
    hub,
    hub.push(actors.writer, "branch", `experiment/r${i}`, start, "new work"),
    /creation is restricted/,
  );

  refused(
    hub,
    hub.merge(actors.writer, a, target.name, "merge"),
    /linear history|not an allowed merge method/,
  );
  allowed(hub, hub.merge(actors.writer, a, target.name, "squash"));
  // The second change is behind now: GitHub refuses it until "Update branch".
  refused(hub, hub.merge(actors.writer, b, target.name, "squash"), /not up to date/);
  allowed(hub, hub.updateBranch(actors.writer, b, target.name));
  allowed(hub, hub.merge(actors.writer, b, target.name, "squash"));
  const pushed = deploymentFor(policy, "branch", target.name);
  if (pushed) deploy(hub, pushed, hub.branchTip(target.name), deployed);

  // Nobody pushes straight to a protected branch, maintainers included.
  const direct = hub.commit(hub.branchTip(target.name), "src/direct.txt", `${i}\n`, "direct");
  refused(hub, hub.push(actors.writer, "branch", target.name, direct, "direct push"), /pull request/);
  refused(hub, hub.push(actors.maintainer, "branch", target.name, direct, "direct push"), /pull request/);

  for (const { source, target: into } of promotions(policy)) {
    // Only the source branch may open the promotion pull request (the pr-source check).
    const stray = `feature/r${i}-stray`;
    allowed(hub, hub.push(actors.writer, "branch", stray, hub.branchTip(source), "stray promotion"));
    refused(hub, hub.merge(actors.writer, stray, into.name, "merge"), /pr-source/);
    refused(hub, hub.merge(actors.writer, source, into.name, "squash"), /not an allowed merge method/);
    const merged = hub.merge(actors.writer, source, into.name, "merge");
    allowed(hub, merged);
    // The merge result is exactly what the required checks ran on: the source head's tree.
    expect(hub.tree(merged.sha!)).toBe(hub.tree(hub.branchTip(source)));
    const d = deploymentFor(policy, "branch", into.name);
    if (d) deploy(hub, d, merged.sha!, deployed);
  }

  for (const d of policy.deployments.filter((x) => x.trigger.kind === "tag")) {
    const name = d.role === "production" ? `v${i}.0.0` : `v${i}.0.0-rc.1`;
    expect(deploymentFor(policy, "tag", name)).toBe(d);
    const on = d.requiredAncestorBranch!;
    const commit = hub.branchTip(on);
    refused(
      hub,
      hub.push(actors.actions, "tag", name, commit, "a workflow's GITHUB_TOKEN"),
      /creation is restricted/,
    );
    refused(hub, hub.push(actors.writer, "tag", name, commit, "release tag"), /creation is restricted/);
    allowed(hub, hub.push(actors.maintainer, "tag", name, commit, "release tag"));
    // The deploy guard's check: the tagged commit is on the branch the policy names.
    expect(hub.isAncestor(hub.tip("tag", name)!, hub.branchTip(on))).toBe(true);
    deploy(hub, d, commit, deployed);
    // A release tag never moves, not even for a maintainer.
    const moved = hub.commit(commit, "src/moved.txt", `${i}\n`, "moved");
    refused(
      hub,
      hub.push(actors.maintainer, "tag", name, moved, "move a release tag"),
      /updates are restricted/,
    );
  }
  return deployed;
}

describe.each(BRANCH_MODELS_UNDER_TEST)(
  "git replay: %s, three consecutive releases",
  (model: BranchModel) => {
    const spec = teamFor(model);
    const policy = releasePolicy(spec);
    const hub = new Hub(rulesetsOf(spec, policy), policy, spec);
    afterAll(() => hub.cleanup());

    it("every release reaches every environment in promotion order, through rules GitHub enforces", () => {
      provision(hub);
      const order = policy.deployments.map((d) => d.environment);
      for (const i of [1, 2, 3]) {
        expect(release(hub, i)).toEqual(order);
      }
      // Each release's work is on every long-lived branch.
      for (const b of policy.protectedBranches) {
        hub.git("checkout", "-q", "--detach", hub.branchTip(b.name));
        for (const i of [1, 2, 3]) {
          expect(fs.existsSync(path.join(hub.work, `src/a${i}.txt`))).toBe(true);
          expect(fs.existsSync(path.join(hub.work, `src/b${i}.txt`))).toBe(true);
        }
        expect(fs.readFileSync(path.join(hub.work, ".github/workflows/deploy.yml"), "utf8")).toBe("v2\n");
      }
    });

    it("a tag deploys only a commit on the branch the policy names (the guard's ancestry check)", () => {
      const actors = actorsOf(spec);
      for (const d of policy.deployments.filter((x) => x.trigger.kind === "tag")) {
        // New work lands on the work branch only: its tip is not on the promotion branch yet.
        const target = workTarget(policy);
        const work = `feature/late-${d.environment}`;
        allowed(
          hub,
          hub.push(
            actors.writer,
            "branch",
            work,
            hub.commit(hub.branchTip(target.name), `late-${d.environment}`, "x\n", "late"),
            "late work",
          ),
        );
        allowed(hub, hub.merge(actors.writer, work, target.name, "squash"));
        const elsewhere = hub.branchTip(target.name);
        const on = d.requiredAncestorBranch!;
        expect(hub.isAncestor(elsewhere, hub.branchTip(on))).toBe(on === target.name);
      }
    });

    it("leading zeros and release-looking names are refused at creation (enterprise)", () => {
      const actors = actorsOf(spec);
      const root = hub.branchTip(policy.defaultBranch);
      for (const name of ["v01.0.0", "v1.0.0-rc.01", "v1.0.0-beta", "v1234567890.0.0"]) {
        refused(hub, hub.push(actors.maintainer, "tag", name, root, "malformed"), /exact release tag/);
      }
    });
  },
);

describe("git replay: the deadlock the promotion rules avoid", () => {
  it.each(["staging-branch", "pre-production"] as const)(
    "%s: with an up-to-date requirement on the promotion target, no promotion can ever merge",
    (model) => {
      const spec = teamFor(model);
      const policy = releasePolicy(spec);
      // The round-1 rules: every protected branch strict.
      const strict = rulesetsOf(spec, policy).map((r) =>
        r.rules.requiredStatusChecks
          ? {
              ...r,
              rules: {
                ...r.rules,
                requiredStatusChecks: {
                  ...r.rules.requiredStatusChecks,
                  strictRequiredStatusChecksPolicy: true,
                },
              },
            }
          : r,
      );
      const hub = new Hub(strict, policy, spec);
      try {
        provision(hub);
        const actors = actorsOf(spec);
        const [{ source, target }] = promotions(policy);
        const work = workTarget(policy).name;
        for (const i of [1, 2]) {
          const f = `feature/d${i}`;
          allowed(
            hub,
            hub.push(
              actors.writer,
              "branch",
              f,
              hub.commit(hub.branchTip(work), `d${i}`, "x\n", "d"),
              "work",
            ),
          );
          allowed(hub, hub.merge(actors.writer, f, work, "squash"));
          // Already the first: the managed files were committed to each branch separately, so
          // the target has commits its source never gets (and from the second on, its own merge).
          refused(hub, hub.merge(actors.writer, source, target.name, "merge"), /not up to date/);
          // ...and "Update branch" would push a merge commit onto the PR-only, linear source.
          refused(hub, hub.updateBranch(actors.writer, source, target.name), /pull request|linear history/);
        }
      } finally {
        hub.cleanup();
      }
    },
  );
});
