/**
 * environment-coverage — every environment the release policy deploys to has, on every service
 * repository, a GitHub environment (where reviewers and deployment policies live) and a deploy
 * role trusting that repository's environment (one door per repository and environment); without them the generated workflow fails at deploy time or,
 * worse, deploys without the environment's protections. Stack rule over the whole graph; in an
 * environment stack only that stack's environment is judged, the shared stack has none. No
 * scanner id (project invariant). Mandatory.
 */
import { environmentSubject } from "../../components/release";
import type { CheckedResource, Finding, StackRule } from "../types";
import { githubTrustStatements, conditionValues, SUB_KEY } from "./iam-oidc-trust";
import { isUnknown, ofType, T } from "./util";

export const environmentCoverage: StackRule = {
  kind: "stack",
  id: "environment-coverage",
  description:
    "Each environment the release policy names has a GitHub environment per repository and a deploy role.",
  mirrors: "project invariant (release policy coverage)",
  level: "mandatory",
  check(resources, ctx) {
    if (!ctx.policy || !ctx.spec || ctx.role !== "environment" || !ctx.environment) return [];
    const env = ctx.environment;
    if (!ctx.policy.deployments.some((d) => d.environment === env)) return [];
    const urn = stackUrn(resources);
    if (!urn) return [];
    const findings: Finding[] = [];
    const ghEnvs = ofType(resources, T.ghEnvironment).filter(
      (r) => r.inputs.environment === env || isUnknown(r.inputs.environment),
    );
    for (const service of ctx.spec.services) {
      const found = ghEnvs.some(
        (r) => r.inputs.repository === service.name || isUnknown(r.inputs.repository),
      );
      if (!found)
        findings.push({ urn, message: `repository "${service.name}" has no GitHub environment "${env}"` });
    }
    const subjects = ofType(resources, T.role).flatMap((r) =>
      githubTrustStatements(r.inputs.assumeRolePolicy)
        .flatMap((s) => conditionValues(s, SUB_KEY))
        .flatMap((c) => c.values),
    );
    // The subject the release policy gives a deploy job (GitHub compares owner and repository
    // case-insensitively, so the comparison does too).
    const owner = ctx.spec.github.owner;
    const trusted = (v: unknown, service?: string) =>
      isUnknown(v) ||
      (typeof v === "string" &&
        (service === undefined
          ? v.endsWith(`:environment:${env}`)
          : v.toLowerCase() === environmentSubject({ owner, name: service }, env).toLowerCase()));
    if (!subjects.some((v) => trusted(v)))
      findings.push({ urn, message: `no IAM role trusts GitHub environment "${env}" (deploy role missing)` });
    else
      for (const service of ctx.spec.services) {
        if (!subjects.some((v) => trusted(v, service.name)))
          findings.push({
            urn,
            message: `repository "${service.name}" has no deploy role trusting its GitHub environment "${env}"`,
          });
      }
    return findings;
  },
};

/** Where a stack-wide finding is reported: the stack itself, else the first resource. */
function stackUrn(resources: readonly CheckedResource[]): string | undefined {
  return (resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? resources[0])?.urn;
}
