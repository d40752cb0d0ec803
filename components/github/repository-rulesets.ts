/**
 * A service repository's rulesets, created after everything that is committed straight to its
 * branches: CODEOWNERS and the long-lived branches ({@link ServiceRepository}) and the pipeline's
 * files (ServicePipelines, through `after`). Once a protected-branch ruleset exists, a direct
 * commit needs the automation App's bypass; without an App (a token), it is refused, so on the
 * first `up` every managed file must land first.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePolicy } from "../release";
import type { TeamSpec } from "../team";
import type { ServiceRepository } from "./repository";
import { repositoryRulesets, type BypassActorSpec, type RulesSpec } from "./rulesets";

export interface RepositoryRulesetsArgs {
  /** The validated team spec (plan, maintainers, tag creators). */
  readonly spec: TeamSpec;
  /** The release policy derived from {@link spec}. */
  readonly policy: ReleasePolicy;
  /** The repository the rulesets protect; they wait for its branches and CODEOWNERS. */
  readonly repository: ServiceRepository;
  /** Id of the maintainers' team: bypasses release-tag creation. */
  readonly maintainersTeamId: pulumi.Input<string>;
  /** Slug of the maintainers' team (names the bypass actor before ids are known). */
  readonly maintainersTeamSlug: string;
  /**
   * Id of the GitHub App Pulumi authenticates as: the only bypass actor of the protected-branch
   * rulesets, so later versions of the managed files can be committed to PR-only branches.
   * @default none - nobody bypasses; managed files can then only be written before the rulesets exist
   */
  readonly automationAppId?: number;
  /**
   * Further resources that write to the repository's branches (the pipeline's files): the
   * rulesets are created after them.
   * @default none - only the repository's own CODEOWNERS and branches
   */
  readonly after?: readonly pulumi.Resource[];
  /**
   * Logical names the repository component had before (a renamed service): each ruleset is
   * aliased from `<former>-ruleset-<key>`.
   * @default [] - never renamed
   */
  readonly previousNames?: readonly string[];
}

export class RepositoryRulesets extends pulumi.ComponentResource {
  /** Rulesets by key (`branch-main`, `branch-names`, `release-tags`, …). */
  public readonly rulesets: Readonly<Record<string, github.RepositoryRuleset>>;

  /**
   * @param name the repository component's name (the service's ServiceRepository): each ruleset
   * keeps the name it had as that component's child (`<name>-ruleset-<key>`), aliased from there.
   */
  constructor(name: string, args: RepositoryRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    const previous = args.previousNames ?? [];
    super(
      "delivery:github:RepositoryRulesets",
      // The repository component's name: another type, so no clash, and children keep their names.
      name,
      {},
      { ...opts, aliases: [...(opts?.aliases ?? []), ...previous.map((n) => ({ name: n }))] },
    );
    const { spec, policy, repository } = args;

    const bypassTeamIds = new Map<string, pulumi.Input<string>>([
      [args.maintainersTeamSlug, args.maintainersTeamId],
    ]);
    const bypassActor = (actor: BypassActorSpec) => {
      if (actor.actorType === "Integration") return actor;
      let id = bypassTeamIds.get(actor.teamSlug);
      if (id === undefined) {
        id = github.getTeamOutput({ slug: actor.teamSlug, summaryOnly: true }, { parent: this }).id;
        bypassTeamIds.set(actor.teamSlug, id);
      }
      return { actorType: "Team", actorId: pulumi.output(id).apply(Number), bypassMode: actor.bypassMode };
    };

    // A plain array, never a promise: the SDK walks every resource reachable from a promised
    // dependsOn value, which made each ruleset cost as much as the whole stack.
    const dependsOn: pulumi.Resource[] = [...repository.managed, ...(args.after ?? [])];
    const rulesets: Record<string, github.RepositoryRuleset> = {};
    for (const ruleset of repositoryRulesets(spec, policy, args.maintainersTeamSlug, args.automationAppId)) {
      const childName = `${name}-ruleset-${ruleset.key}`;
      rulesets[ruleset.key] = new github.RepositoryRuleset(
        childName,
        {
          repository: repository.repositoryName,
          name: ruleset.name,
          target: ruleset.target,
          enforcement: ruleset.enforcement,
          conditions: {
            refName: {
              includes: [...ruleset.conditions.refName.includes],
              excludes: [...ruleset.conditions.refName.excludes],
            },
          },
          rules: toRules(ruleset.rules),
          bypassActors: ruleset.bypassActors.map(bypassActor),
        },
        {
          parent: this,
          dependsOn,
          // Rulesets were children of the repository component before they waited for the
          // pipeline's files: the same resource, not a new one.
          aliases: [
            ...[childName, ...previous.map((n) => `${n}-ruleset-${ruleset.key}`)].map((n) =>
              childOf(repository, RULESET_TYPE, n),
            ),
            ...previous.map((n) => ({ name: `${n}-ruleset-${ruleset.key}` })),
          ],
        },
      );
    }
    this.rulesets = rulesets;
    this.registerOutputs({});
  }
}

const RULESET_TYPE = "github:index/repositoryRuleset:RepositoryRuleset";

/**
 * The URN a child of `parent` had: the parent's URN up to its name, `$`, the type, `::`, the name
 * (how the SDK's createUrn builds it). A URN string rather than `{ parent: resource }`: with a
 * resource, the SDK resolved the parent's own alias set for every ruleset (a 30-service plan took
 * five times as long).
 */
function childOf(parent: pulumi.Resource, type: string, name: string): pulumi.Output<string> {
  return parent.urn.apply((urn) => `${urn.slice(0, urn.lastIndexOf("::"))}$${type}::${name}`);
}

/** Read-only builder data → the provider's (mutable) input shape. */
function toRules(rules: RulesSpec): github.types.input.RepositoryRulesetRules {
  return {
    ...rules,
    pullRequest: rules.pullRequest && {
      ...rules.pullRequest,
      allowedMergeMethods: [...rules.pullRequest.allowedMergeMethods],
    },
    requiredStatusChecks: rules.requiredStatusChecks && {
      ...rules.requiredStatusChecks,
      requiredChecks: rules.requiredStatusChecks.requiredChecks.map((c) => ({ ...c })),
    },
  };
}
