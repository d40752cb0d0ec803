/**
 * The team on GitHub: a team for everyone who works on the services and a child team of the
 * maintainers. The child team is the release-tag rulesets' bypass actor: its membership is exactly
 * `people.maintainers` (authoritative), so "only the people the spec names" create release tags.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { TeamSpec } from "../team";
import { splitPrincipals } from "./principals";

export interface TeamAccessArgs {
  /** The validated team spec: its name, maintainers, reviewers and service owners. */
  readonly spec: TeamSpec;
  /**
   * Team visibility inside the organization. Only `closed`: the maintainers' team is a ruleset
   * bypass actor, and GitHub does not accept secret teams as bypass actors ("Teams, excluding
   * secret teams" — docs.github.com, "Creating rulesets for a repository", bypass permissions).
   * @default "closed" - visible to every member of the organization, joined only by invitation
   */
  readonly privacy?: "closed";
}

/** Team membership the spec implies: pure, for tests and the component. */
export function teamMembers(spec: TeamSpec): {
  team: { username: string; role: "maintainer" | "member" }[];
  maintainers: { username: string; role: "maintainer" }[];
} {
  const maintainers = splitPrincipals(spec.people.maintainers).users;
  const others = splitPrincipals([...spec.people.reviewers, ...spec.services.flatMap((s) => s.owners)]).users;
  return {
    team: [
      ...maintainers.map((username) => ({ username, role: "maintainer" as const })),
      ...others
        .filter((u) => !maintainers.includes(u))
        .map((username) => ({ username, role: "member" as const })),
    ],
    maintainers: maintainers.map((username) => ({ username, role: "maintainer" as const })),
  };
}

/** GitHub derives a team's slug from its name; ours are slugs already. */
export function maintainersTeamName(spec: TeamSpec): string {
  return `${spec.name}-maintainers`;
}

export class TeamAccess extends pulumi.ComponentResource {
  /** The team everyone on the services belongs to. */
  public readonly team: github.Team;
  /** The maintainers' child team: bypass actor for release-tag creation. */
  public readonly maintainersTeam: github.Team;
  /** Slug of {@link team} (known before `up`). */
  public readonly teamSlug: string;
  /** Slug of {@link maintainersTeam} (known before `up`). */
  public readonly maintainersTeamSlug: string;

  constructor(name: string, args: TeamAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:github:TeamAccess", name, {}, opts);
    const { spec } = args;
    const privacy = args.privacy ?? "closed";
    const members = teamMembers(spec);
    this.teamSlug = spec.name;
    this.maintainersTeamSlug = maintainersTeamName(spec);

    this.team = new github.Team(
      `${name}-team`,
      {
        name: this.teamSlug,
        description: `${spec.name}: everyone who works on the team's services (managed by delivery-workflow)`,
        privacy,
        // Membership is exactly the spec's: the token's user is not added behind its back.
        createDefaultMaintainer: false,
      },
      { parent: this },
    );
    this.maintainersTeam = new github.Team(
      `${name}-maintainers`,
      {
        name: this.maintainersTeamSlug,
        description: `${spec.name} maintainers: own every repository, approve production, create release tags`,
        privacy,
        parentTeamId: this.team.id,
        createDefaultMaintainer: false,
      },
      { parent: this },
    );
    // Authoritative lists: a member added by hand outside the spec is removed on the next `up`.
    if (members.team.length > 0) {
      new github.TeamMembers(
        `${name}-team-members`,
        { teamId: this.team.id, members: members.team },
        { parent: this },
      );
    }
    if (members.maintainers.length > 0) {
      new github.TeamMembers(
        `${name}-maintainers-members`,
        { teamId: this.maintainersTeam.id, members: members.maintainers },
        { parent: this },
      );
    }
    this.registerOutputs({
      teamSlug: this.teamSlug,
      maintainersTeamSlug: this.maintainersTeamSlug,
      teamId: this.team.id,
      maintainersTeamId: this.maintainersTeam.id,
    });
  }
}
