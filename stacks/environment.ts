/**
 * An environment stack (integration, staging, production, …): that environment's servers,
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
  // AWS (issue 4): deploy role, servers, release parameters.
  // GITHUB (issue 3): GitHub environment per repository, its variables and secrets.
  return {
    environment: environment.name,
    role: environment.role,
    sharedTeam: shared.getOutput("team"),
  };
}
