/**
 * ecr-lifecycle-policy — a registry without a lifecycle policy keeps every build image forever:
 * cost grows without bound and old vulnerable images stay pullable. No checkov id: mirrors the
 * AWS ECR best-practice guide (lifecycle policies). Mandatory.
 * Stack rule: the lifecycle policy is a separate resource that must point at the repository.
 */
import type { CheckedResource, StackRule } from "../types";
import { isUnknown, ofType, str, T } from "./util";

export const ecrLifecyclePolicy: StackRule = {
  kind: "stack",
  id: "ecr-lifecycle-policy",
  description: "Every ECR repository has a lifecycle policy, so old images expire.",
  mirrors: "AWS ECR best practices: lifecycle policies (no checkov id)",
  level: "mandatory",
  check(resources) {
    const policies = ofType(resources, T.ecrLifecyclePolicy);
    return ofType(resources, T.ecrRepository)
      .filter((repo) => !policies.some((p) => covers(p, repo, resources)))
      .map((repo) => ({
        urn: repo.urn,
        message: `no ${T.ecrLifecyclePolicy} names this repository${repoName(repo) ? ` ("${repoName(repo)}")` : ""}`,
      }));
  },
};

function repoName(repo: CheckedResource): string | undefined {
  return str(repo.inputs.name);
}

function covers(policy: CheckedResource, repo: CheckedResource, all: readonly CheckedResource[]): boolean {
  const target = policy.inputs.repository;
  // The engine says where the input came from (real policy pack).
  if (policy.propertyDependencies?.repository?.includes(repo.urn)) return true;
  const name = repoName(repo);
  if (name !== undefined && target === name) return true;
  // Not known yet, or the repository is auto-named: accept a policy that is the repository's
  // sibling under a component holding exactly one repository.
  if (isUnknown(target) || name === undefined) {
    const siblings = all.filter((r) => r.type === T.ecrRepository && r.parent === repo.parent);
    return repo.parent !== null && policy.parent === repo.parent && siblings.length === 1;
  }
  return false;
}
