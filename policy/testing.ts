/**
 * Helpers for the rule tests (cdk-nag style: build a resource, run one rule, see it fire or not).
 * Not used by the pack or the plan.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { releasePolicy } from "../components/release";
import { parseTeamSpec, type TeamSpec } from "../components/team";
import { resolveContext, runRule } from "./index";
import type { CheckedResource, PolicyContext, Rule, Violation } from "./types";

let counter = 0;

/** A resource as the offline plan records it, in stack `stack` (default `shared`). */
export function res(
  type: string,
  inputs: Record<string, unknown>,
  opts: Partial<Omit<CheckedResource, "type" | "inputs">> & { stack?: string } = {},
): CheckedResource {
  const name = opts.name ?? `r${++counter}`;
  const stack = opts.stack ?? "shared";
  return {
    urn: opts.urn ?? `urn:pulumi:${stack}::delivery-workflow::${type}::${name}`,
    type,
    name,
    parent: opts.parent ?? null,
    custom: true,
    inputs,
    protect: opts.protect ?? false,
    retainOnDelete: "retainOnDelete" in opts ? opts.retainOnDelete : false,
    propertyDependencies: opts.propertyDependencies,
  };
}

/** The reference team spec from Pulumi.yaml, validated. */
export function referenceSpec(): TeamSpec {
  const doc = parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { value: unknown }>;
  };
  return parseTeamSpec(doc.config["delivery-workflow:team"].value);
}

/** A context with the reference spec and its release policy. */
export function referenceContext(extra: PolicyContext = {}): PolicyContext {
  const spec = referenceSpec();
  return { spec, policy: releasePolicy(spec), ...extra };
}

/** Runs one rule over the resources with the context resolved as checkResources does. */
export function run(
  rule: Rule,
  resources: readonly CheckedResource[],
  context: PolicyContext = {},
): Violation[] {
  return runRule(rule, resources, resolveContext(resources, context));
}

/** The messages one rule reports. */
export function messages(
  rule: Rule,
  resources: readonly CheckedResource[],
  context: PolicyContext = {},
): string[] {
  return run(rule, resources, context).map((v) => v.message);
}

/** The IAM provider ARN of GitHub's OIDC issuer in the fake account. */
export const GITHUB_OIDC_PROVIDER =
  "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

/** A GitHub OIDC trust policy (JSON text, as the plan records it) with the given condition. */
export function githubTrust(condition: object, federated: string = GITHUB_OIDC_PROVIDER): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: federated },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
      },
    ],
  });
}
