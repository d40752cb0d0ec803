/**
 * Rename and removal safety: plan the reference team, then a spec with cart-api renamed to
 * basket-api (formerNames) and payments-worker removed, and compare the plans as the engine
 * would: by URN, explicit aliases, and the aliases the SDK derives for children whose names start
 * with an aliased parent's name (`inheritedChildAlias` in @pulumi/pulumi's resource.ts).
 */
import type { PlannedResource, StackPlan } from "../plan/runner";
import { referenceSpec } from "../policy/testing";
import { planOutcome } from "./guardrails-support";

const STACKS = ["shared", "staging"];

async function plan(team?: unknown): Promise<StackPlan[]> {
  const outcome = await planOutcome({ stacks: STACKS, ...(team === undefined ? {} : { team }) });
  if (!outcome.ok) throw outcome.error;
  return outcome.plans;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (urn: string) => urn.split("::")[2];

/** Every URN the engine would match this resource to: its own, explicit and inherited aliases. */
function effectiveUrns(p: StackPlan, r: PlannedResource): string[] {
  const byUrn = new Map(p.resources.map((x) => [x.urn, x]));
  const out = new Set([r.urn, ...r.aliases]);
  const parent = r.parent ? byUrn.get(r.parent) : undefined;
  if (parent && r.name.startsWith(parent.name)) {
    for (const parentAlias of effectiveUrns(p, parent).filter((u) => u !== parent.urn)) {
      // urn:pulumi:<stack>::<project>::<parent type>$<child type>::<alias name>
      const [urnPrefix, project] = parentAlias.split("::");
      const parentType = typeOf(parentAlias).split("$").pop();
      out.add(
        `${urnPrefix}::${project}::${parentType}$${r.type}::${nameOf(parentAlias)}${r.name.slice(parent.name.length)}`,
      );
    }
  }
  return [...out];
}

function successor(after: StackPlan, oldUrn: string): PlannedResource | undefined {
  return after.resources.find((r) => effectiveUrns(after, r).includes(oldUrn));
}

describe("renaming and removing a service", () => {
  let before: StackPlan[];
  let after: StackPlan[];
  beforeAll(async () => {
    const spec = structuredClone(referenceSpec()) as Record<string, any>;
    spec.services = [{ ...spec.services[0], name: "basket-api", formerNames: ["cart-api"] }];
    before = await plan();
    after = await plan(spec);
  });

  const gh = "github:index/repository:Repository";
  const ecr = "aws:ecr/repository:Repository";

  it("renames the GitHub repository in place: same identity through aliases, new name input", () => {
    const old = before[0].resources.find((r) => r.type === gh && r.inputs.name === "cart-api")!;
    const renamed = successor(after[0], old.urn);
    expect(renamed).toBeDefined();
    expect(renamed!.inputs.name).toBe("basket-api");
    expect(renamed!.protect).toBe(true);
    expect(renamed!.inputs.archiveOnDestroy).toBe(true);
  });

  it("deletes nothing of the renamed service on GitHub (every old resource has a successor)", () => {
    for (const [i, stack] of STACKS.entries()) {
      const orphans = before[i].resources
        .filter((r) => r.type.startsWith("github:") && nameOf(r.urn).includes("cart-api"))
        .filter((r) => !successor(after[i], r.urn))
        .map((r) => r.urn);
      expect({ stack, orphans }).toEqual({ stack, orphans: [] });
    }
  });

  it("keeps the renamed service's registry under the same identity", () => {
    const old = before[0].resources.find((r) => r.type === ecr && r.inputs.name === "checkout/cart-api")!;
    const renamed = successor(after[0], old.urn);
    expect(renamed).toBeDefined();
    expect(renamed!.protect || renamed!.retainOnDelete).toBe(true);
  });

  // An ECR repository cannot be renamed (a changed name replaces it, which `protect` refuses),
  // so it keeps the service's first name.
  it("does not replace the renamed service's registry (ECR names are immutable)", () => {
    const old = before[0].resources.find((r) => r.type === ecr && r.inputs.name === "checkout/cart-api")!;
    expect(successor(after[0], old.urn)!.inputs.name).toBe("checkout/cart-api");
  });

  // Replacing the parameter would start the environment over at the bootstrap image.
  it("keeps the renamed service's release parameter (what runs in the environment)", () => {
    const old = before[1].resources.find(
      (r) => r.type === "aws:ssm/parameter:Parameter" && String(r.inputs.name).includes("/cart-api/"),
    )!;
    expect(successor(after[1], old.urn)).toBeDefined();
  });

  // A replaced role would change its ARN under the repository's BUILD_ROLE_ARN/DEPLOY_ROLE_ARN
  // while a workflow runs; same name and URN, the trust follows the new repository name in place.
  it("keeps the renamed service's build and deploy roles; their trust names the new repository", () => {
    for (const [i, subject] of [
      [0, "repo:acme-shop/basket-api:ref:refs/heads/main"],
      [1, "repo:acme-shop/basket-api:environment:staging"],
    ] as const) {
      const old = before[i].resources.find(
        (r) => r.type === "aws:iam/role:Role" && String(r.inputs.name).includes(".cart-api."),
      )!;
      expect(old).toBeDefined();
      const renamed = successor(after[i], old.urn)!;
      expect(renamed).toBeDefined();
      expect(renamed.inputs.name).toBe(old.inputs.name);
      expect(renamed.inputs.assumeRolePolicy).toContain(subject);
      expect(renamed.inputs.assumeRolePolicy).not.toContain("repo:acme-shop/cart-api:");
    }
  });

  it("removal: the removed service's repository archives and its registry and parameters are kept", () => {
    const repo = before[0].resources.find((r) => r.type === gh && r.inputs.name === "payments-worker")!;
    expect(repo.protect).toBe(true);
    expect(repo.inputs.archiveOnDestroy).toBe(true);
    const registry = before[0].resources.find(
      (r) => r.type === ecr && r.inputs.name === "checkout/payments-worker",
    )!;
    expect(registry.protect || registry.retainOnDelete).toBe(true);
    expect(registry.inputs.forceDelete).not.toBe(true);
    const parameter = before[1].resources.find(
      (r) => r.type === "aws:ssm/parameter:Parameter" && String(r.inputs.name).includes("/payments-worker/"),
    )!;
    expect(parameter.protect || parameter.retainOnDelete).toBe(true);
    // ...and they are really gone from the new plan (so the engine would act on them).
    for (const [i, r] of [
      [0, repo],
      [0, registry],
      [1, parameter],
    ] as const) {
      expect(successor(after[i], r.urn)).toBeUndefined();
    }
  });
});
