/**
 * `.github/dependabot.yml` of a service repository: weekly version updates of the pinned action
 * SHAs (`github-actions`), of the pre-commit hooks' `rev`s (`pre-commit`, supported by Dependabot
 * since March 2026: https://github.blog/changelog/2026-03-10-dependabot-now-supports-pre-commit-hooks/),
 * of the base images in the Dockerfile (`docker`) and of the service's own dependencies.
 *
 * The workflows and the pre-commit config are generated: a Dependabot pull request that bumps
 * one of them is the signal to bump the pin in `actions.ts` / `precommit.ts` (the next
 * `pulumi up` would otherwise write the old pin back). Pull requests go to the branch work
 * branches merge into (`main`, `staging` or `master`).
 */
import * as path from "path";
import type { ReleasePolicy } from "../release";
import type { ServiceSpec } from "../team";

export const DEPENDABOT_CONFIG = ".github/dependabot.yml";

export interface DependabotUpdate {
  readonly "package-ecosystem": string;
  readonly directory: string;
  readonly "target-branch": string;
  readonly schedule: { readonly interval: "weekly" };
  readonly "open-pull-requests-limit": number;
  readonly cooldown: { readonly "default-days": number };
  readonly groups: Readonly<Record<string, { readonly patterns: readonly string[] }>>;
}

export interface DependabotConfig {
  readonly version: 2;
  readonly updates: readonly DependabotUpdate[];
}

const LANGUAGE_ECOSYSTEM: Readonly<Record<ServiceSpec["language"], string | undefined>> = {
  node: "npm",
  python: "pip",
  go: "gomod",
  generic: undefined,
};

/** The protected branch work branches merge into: where every change starts. */
export function workTargetBranch(policy: ReleasePolicy): string {
  return policy.protectedBranches.find((b) => !b.sourceEnforcedByCheck)?.name ?? policy.defaultBranch;
}

export function dependabotConfig(service: ServiceSpec, policy: ReleasePolicy): DependabotConfig {
  const target = workTargetBranch(policy);
  const update = (ecosystem: string, directory = "/"): DependabotUpdate => ({
    "package-ecosystem": ecosystem,
    directory,
    "target-branch": target,
    schedule: { interval: "weekly" },
    "open-pull-requests-limit": 5,
    // A release is taken a week after it appears: most compromised releases are found and
    // pulled within days (zizmor `dependabot-cooldown`).
    cooldown: { "default-days": 7 },
    // One pull request per ecosystem and week, not one per dependency.
    groups: { [ecosystem]: { patterns: ["*"] } },
  });
  const dockerDir = path.posix.dirname(`/${service.dockerfile}`);
  const language = LANGUAGE_ECOSYSTEM[service.language];
  return {
    version: 2,
    updates: [
      update("github-actions"),
      update("pre-commit"),
      update("docker", dockerDir),
      ...(language ? [update(language)] : []),
    ],
  };
}
