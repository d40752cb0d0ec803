/**
 * The shared stack: what exists once per team. Repositories, team access, rulesets and
 * workflow files on GitHub; the container registry, the GitHub OIDC provider and the CI build
 * role on AWS. Environment stacks read its outputs through a StackReference.
 */
import type { StackContext } from "./config";
import { createProviders } from "./providers";

export async function sharedStack(ctx: StackContext): Promise<Record<string, unknown>> {
  const providers = createProviders(ctx);
  void providers;
  // GITHUB (issue 3): repositories, team, rulesets, CODEOWNERS, repository variables.
  // AWS (issue 4): registries, OIDC provider, build role.
  // PIPELINE (issue 5): workflow files committed to each repository.
  return {
    team: ctx.spec.name,
    branchModel: ctx.policy.model,
    services: ctx.spec.services.map((s) => s.name),
  };
}
