/**
 * An environment stack (integration, staging, production, …): that environment's server,
 * deploy role, release parameters, and its GitHub environment on every service repository.
 * Reads the shared stack through a StackReference; destroying it touches nothing else.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./config";
import { createProviders } from "./providers";

export async function environmentStack(ctx: StackContext): Promise<Record<string, unknown>> {
  const environment = ctx.environment!;
  const providers = createProviders(ctx);
  void providers;
  const shared = new pulumi.StackReference("shared", { name: ctx.sharedStack });

  // --- AWS (components/aws): deploy role, server, release parameters, bootstrap image ---------
  // Seam: expose the deploy role ARN, the server instance id, the public URL and, per service,
  // the release parameter name (ENVIRONMENT_VARIABLES in components/release/contract.ts).

  // --- GitHub (components/github): the GitHub environment on each repository, its deployment
  // policies, reviewers, variables (from the AWS section) and secrets (ctx.secrets) ------------

  return {
    environment: environment.name,
    role: environment.role,
    sharedTeam: shared.getOutput("team"),
  };
}
