/**
 * github-app-permissions — the GitHub App Pulumi runs as needs every permission the stack's
 * GitHub resources use, or the `up` stops half-way with 403 "Resource not accessible by
 * integration". The needed set comes from `requiredAppPermissions`
 * (components/github/app-permissions.ts, which cites GitHub's "Permissions required for GitHub
 * Apps" and the provider's endpoints). Where the stack config declares what the App was
 * granted (`delivery-workflow:githubAppPermissions`), a missing or read-only permission is
 * mandatory here; `github-app-permissions-needed` lists the needed set as advice otherwise.
 */
import {
  missingAppPermissions,
  requiredAppPermissions,
  unknownGithubTypes,
} from "../../components/github/app-permissions";
import type { CheckedResource, StackRule } from "../types";
import { stackUrn } from "./preflight";
import { str, T } from "./util";

export function neededPermissions(resources: readonly CheckedResource[]) {
  const types = resources.filter((r) => r.custom).map((r) => r.type);
  const workflowFiles = resources.some(
    (r) => r.type === T.ghRepositoryFile && (str(r.inputs.file) ?? "").startsWith(".github/workflows/"),
  );
  return { needed: requiredAppPermissions(types, { workflowFiles }), unknown: unknownGithubTypes(types) };
}

export const showPermissions = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");

export const githubAppPermissions: StackRule = {
  kind: "stack",
  id: "github-app-permissions",
  description: "The GitHub App's declared permissions cover what the stack's GitHub resources need.",
  mirrors: "GitHub permissions required for GitHub Apps (preflight)",
  level: "mandatory",
  check(resources, ctx) {
    if (!ctx.githubAppPermissions) return [];
    const urn = stackUrn(resources);
    if (!urn) return [];
    const { needed, unknown } = neededPermissions(resources);
    if (!resources.some((r) => r.type.startsWith("github:index/"))) return [];
    const missing = missingAppPermissions(needed, ctx.githubAppPermissions);
    const out =
      Object.keys(missing).length === 0
        ? []
        : [
            {
              urn,
              message:
                `the GitHub App lacks ${showPermissions(missing)} (delivery-workflow:githubAppPermissions declares ` +
                `${showPermissions(ctx.githubAppPermissions) || "nothing"}); GitHub answers 403 "Resource not accessible by integration". ` +
                `Grant them in the App's settings, then update the declaration`,
            },
          ];
    if (unknown.length > 0)
      out.push({
        urn,
        message: `no known App permissions for ${unknown.join(", ")}: add them to components/github/app-permissions.ts`,
      });
    return out;
  },
};
