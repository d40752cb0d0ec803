/**
 * github-app-permissions-needed — advice: the GitHub App permissions this stack needs, listed
 * when the stack config does not declare what the App was granted (see
 * `github-app-permissions`, which checks a declaration, and components/github/app-permissions.ts
 * for the sources). Advisory.
 */
import type { StackRule } from "../types";
import { neededPermissions, showPermissions as show } from "./github-app-permissions";
import { stackUrn } from "./preflight";

export const githubAppPermissionsNeeded: StackRule = {
  kind: "stack",
  id: "github-app-permissions-needed",
  description:
    "Lists the GitHub App permissions this stack needs when the stack config does not declare the App's.",
  mirrors: "GitHub permissions required for GitHub Apps (preflight)",
  level: "advisory",
  check(resources, ctx) {
    if (ctx.githubAppPermissions) return [];
    if (!resources.some((r) => r.type.startsWith("github:index/") && r.custom)) return [];
    const urn = stackUrn(resources);
    if (!urn) return [];
    const { needed } = neededPermissions(resources);
    return [
      {
        urn,
        message:
          `this stack needs a GitHub App with ${show(needed)}; declare what the App was granted in ` +
          `delivery-workflow:githubAppPermissions and the plan checks it`,
      },
    ];
  },
};
