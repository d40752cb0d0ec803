/**
 * People and teams as the spec writes them (`login` or `org/team-slug`), split the way GitHub's
 * APIs want them: users by login, teams by slug within the provider's organization.
 */
import { GITHUB_TEAM_PATTERN } from "../team";

export interface Principals {
  /** GitHub logins. */
  readonly users: readonly string[];
  /** Team slugs (the part after `org/`). */
  readonly teams: readonly string[];
}

/** True for `org/team-slug`. */
export function isTeam(principal: string): boolean {
  return GITHUB_TEAM_PATTERN.test(principal);
}

/** `acme/payments-devs` → `payments-devs`. */
export function teamSlug(principal: string): string {
  return principal.slice(principal.indexOf("/") + 1);
}

/** Splits principals into users and team slugs, each de-duplicated, order kept. */
export function splitPrincipals(principals: readonly string[]): Principals {
  const users: string[] = [];
  const teams: string[] = [];
  for (const p of principals) {
    const [list, value] = isTeam(p) ? [teams, teamSlug(p)] : [users, p];
    if (!list.includes(value)) list.push(value);
  }
  return { users, teams };
}

/** How CODEOWNERS names a principal: `@login` or `@org/team-slug`. */
export function ownerHandle(principal: string): string {
  return `@${principal}`;
}
