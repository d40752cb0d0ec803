/**
 * The GitHub App permissions a stack's GitHub resources need, from their Pulumi type tokens.
 * Pure (no `@pulumi` imports): the policy pack and the offline plan compare it with what the
 * App Pulumi runs as was granted.
 *
 * Which endpoint each resource calls: terraform-provider-github v6 (what `@pulumi/github` 6.x
 * wraps), `github/resource_github_*.go`. Which permission each endpoint needs: GitHub's
 * "Permissions required for GitHub Apps"
 * (https://docs.github.com/en/rest/authentication/permissions-required-for-github-apps, read
 * through the search tool), by section:
 * - Repository "Administration" (write): `POST /orgs/{org}/repos`, `PATCH /repos/{owner}/{repo}`
 *   (settings, default branch), `PUT …/topics`, `PUT …/vulnerability-alerts`, `POST|PUT|DELETE
 *   …/rulesets`, `PUT|DELETE …/environments/{environment_name}`, `POST|PUT|DELETE
 *   …/environments/{environment_name}/deployment-branch-policies`, and (with Members) `PUT
 *   /teams/{team_id}/repos/{owner}/{repo}`.
 * - Repository "Contents" (write) and "Workflows" (write): `PUT /repos/{owner}/{repo}/contents/{path}`
 *   — GitHub lists it under both; Workflows is needed when the path is under `.github/workflows`.
 * - Repository "Variables" (write): `POST|PATCH|DELETE /repos/{owner}/{repo}/actions/variables`.
 * - Repository "Secrets" (write): `PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}`.
 * - Repository "Dependabot secrets" (write): `PUT /repos/{owner}/{repo}/dependabot/secrets/{secret_name}`
 *   after `GET …/dependabot/secrets/public-key` (REST "Dependabot secrets": "GitHub Apps must have
 *   the dependabot_secrets permission").
 * - Repository "Environments" (write): environment secrets
 *   (`PUT …/environments/{environment_name}/secrets/{secret_name}`, after reading its public key)
 *   and environment variables (`POST|PATCH …/environments/{environment_name}/variables`).
 * - Organization "Members" (write): teams (`POST /orgs/{org}/teams`), memberships
 *   (`PUT /orgs/{org}/teams/{team_slug}/memberships/{username}`) and team repositories.
 * - Repository "Metadata" (read): every App has it; `GET /repos/{owner}/{repo}` and rulesets reads.
 */

export type AppPermissionLevel = "read" | "write";
export type AppPermissions = Record<string, AppPermissionLevel>;

const W = "write" as const;

/** Pulumi type token → the permissions creating, updating and deleting it needs. */
export const RESOURCE_APP_PERMISSIONS: Readonly<Record<string, AppPermissions>> = {
  "github:index/repository:Repository": { administration: W },
  "github:index/branchDefault:BranchDefault": { administration: W },
  "github:index/branch:Branch": { contents: W },
  "github:index/branchProtection:BranchProtection": { administration: W },
  "github:index/repositoryRuleset:RepositoryRuleset": { administration: W },
  "github:index/repositoryEnvironment:RepositoryEnvironment": { administration: W },
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": {
    administration: W,
  },
  "github:index/repositoryCollaborator:RepositoryCollaborator": { administration: W },
  "github:index/repositoryCollaborators:RepositoryCollaborators": { administration: W, members: W },
  "github:index/repositoryFile:RepositoryFile": { contents: W },
  "github:index/actionsVariable:ActionsVariable": { variables: W },
  "github:index/actionsSecret:ActionsSecret": { secrets: W },
  "github:index/dependabotSecret:DependabotSecret": { dependabot_secrets: W },
  "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": { environments: W },
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": { environments: W },
  "github:index/team:Team": { members: W },
  "github:index/teamMembers:TeamMembers": { members: W },
  "github:index/teamMembership:TeamMembership": { members: W },
  "github:index/teamRepository:TeamRepository": { members: W, administration: W },
  "github:index/issueLabel:IssueLabel": { issues: W },
};

export interface AppPermissionOptions {
  /**
   * Whether any `RepositoryFile` lies under `.github/workflows` (GitHub then also requires
   * Workflows: write). @default true - this program commits its generated workflows
   */
  readonly workflowFiles?: boolean;
}

/**
 * The App permissions the given resource types need: the union of each type's, the higher
 * level winning, plus Metadata: read. Types of other providers are ignored; GitHub types this
 * table does not know are listed by {@link unknownGithubTypes}.
 */
export function requiredAppPermissions(
  resourceTypes: readonly string[],
  options: AppPermissionOptions = {},
): Record<string, AppPermissionLevel> {
  const out: Record<string, AppPermissionLevel> = { metadata: "read" };
  const grant = (key: string, level: AppPermissionLevel) => {
    if (out[key] !== "write") out[key] = level;
  };
  for (const type of new Set(resourceTypes)) {
    for (const [key, level] of Object.entries(RESOURCE_APP_PERMISSIONS[type] ?? {})) grant(key, level);
    if (type === "github:index/repositoryFile:RepositoryFile" && options.workflowFiles !== false)
      grant("workflows", "write");
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** GitHub resource types the permission table does not cover (add them before trusting it). */
export function unknownGithubTypes(resourceTypes: readonly string[]): string[] {
  return [...new Set(resourceTypes)].filter(
    (t) => t.startsWith("github:index/") && !(t in RESOURCE_APP_PERMISSIONS),
  );
}

/** Permissions `needed` that `granted` lacks or grants only at a lower level. */
export function missingAppPermissions(
  needed: Readonly<Record<string, AppPermissionLevel>>,
  granted: Readonly<Record<string, string>>,
): Record<string, AppPermissionLevel> {
  const rank = (level: string | undefined) =>
    level === "write" || level === "admin" ? 2 : level === "read" ? 1 : 0;
  return Object.fromEntries(
    Object.entries(needed).filter(([key, level]) => rank(granted[key]) < rank(level)),
  );
}
