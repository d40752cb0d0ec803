/**
 * Explicit providers. Default providers are disabled in Pulumi.yaml, so a resource that forgets
 * its provider fails instead of silently using ambient credentials.
 */
import * as aws from "../components/aws/sdk";
import * as github from "@pulumi/github";
import type { StackContext } from "./config";

export interface Providers {
  readonly aws: aws.Provider;
  readonly github: github.Provider;
}

export function createProviders(ctx: StackContext): Providers {
  const { spec, secrets } = ctx;
  return {
    aws: new aws.Provider("aws", {
      region: spec.aws.region,
      defaultTags: {
        tags: { team: spec.name, "managed-by": "pulumi", project: ctx.project, stack: ctx.stack },
      },
    }),
    github: new github.Provider("github", {
      owner: spec.github.owner,
      // Without a token or app the provider reads GITHUB_TOKEN from the environment.
      token: secrets.githubToken,
      appAuth: secrets.githubApp
        ? {
            id: secrets.githubApp.id,
            installationId: secrets.githubApp.installationId,
            pemFile: secrets.githubApp.privateKey,
          }
        : undefined,
    }),
  };
}
