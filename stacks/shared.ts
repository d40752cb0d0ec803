/**
 * The shared stack: what exists once per team. Repositories, team access, rulesets and
 * workflow files on GitHub; the container registry, the GitHub OIDC provider and the CI build
 * role on AWS. Environment stacks read its outputs through a StackReference.
 *
 * GitHub and AWS components never import each other; they meet here.
 */
import type { StackContext } from "./config";
import { createProviders } from "./providers";

export async function sharedStack(ctx: StackContext): Promise<Record<string, unknown>> {
  const { spec } = ctx;
  const providers = createProviders(ctx);
  void providers;

  // --- AWS (components/aws): registry per service, OIDC provider, build role -----------------
  // Seam: expose per service the registry URL and ARN, the build role ARN, the OIDC provider ARN.

  // --- GitHub (components/github): repositories, team, CODEOWNERS, rulesets, repo variables ---
  // Seam: repository-level variables come from the AWS section (REPOSITORY_VARIABLES in
  // components/release/contract.ts); expose per service the repository name.

  // --- Pipeline (components/pipeline): workflow files committed to each repository ------------

  return {
    team: spec.name,
    githubOwner: spec.github.owner,
    branchModel: ctx.policy.model,
    services: spec.services.map((s) => s.name),
  };
}
