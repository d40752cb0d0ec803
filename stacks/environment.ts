/**
 * An environment stack (integration, staging, production, …): that environment's server,
 * deploy role, release parameters, and its GitHub environment on every service repository.
 * Reads the shared stack through a StackReference; destroying it touches nothing else.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./config";
import { kubernetesRuntime } from "./kubernetes";
import { createProviders } from "./providers";
import {
  DeployRole,
  EnvironmentServer,
  NOTHING_RELEASED,
  ReleaseParameter,
  repositoryName,
  type SharedAwsOutputs,
} from "../components/aws";
import { DeploymentEnvironment } from "../components/github";
import { deploymentOf, ENVIRONMENT_SECRETS, ENVIRONMENT_VARIABLES } from "../components/release";
import { stableServiceKey } from "../components/team";

export async function environmentStack(ctx: StackContext): Promise<Record<string, unknown>> {
  const environment = ctx.environment!;
  const providers = createProviders(ctx);
  const shared = new pulumi.StackReference("shared", { name: ctx.sharedStack });

  // --- AWS (components/aws): deploy role, server, release parameters, bootstrap image ---------
  const team = ctx.spec.name;
  const awsOpts = { provider: providers.aws };
  const sharedAws = shared.getOutput("aws") as pulumi.Output<SharedAwsOutputs>;
  const releaseParameters = Object.fromEntries(
    ctx.spec.services.map((s) => [
      s.name,
      new ReleaseParameter(
        `${team}-${stableServiceKey(s)}`,
        {
          team,
          environment: environment.name,
          service: stableServiceKey(s),
          // Without bootstrap images the parameter starts at "nothing released yet".
          initialImage: ctx.spec.release.bootstrapImage
            ? sharedAws.apply((a) => a.bootstrapImages?.[s.name] ?? NOTHING_RELEASED)
            : NOTHING_RELEASED,
        },
        awsOpts,
      ),
    ]),
  );
  // runtime: kubernetes puts the services on a cluster (stacks/kubernetes.ts) instead of a server.
  const onKubernetes = environment.runtime === "kubernetes" && environment.kubernetes !== undefined;
  const server = onKubernetes
    ? undefined
    : new EnvironmentServer(
        `${team}-${environment.name}`,
        {
          team,
          environment,
          region: ctx.spec.aws.region,
          services: ctx.spec.services.map((s) => ({
            name: s.name,
            port: s.port,
            healthCheckPath: s.healthCheckPath,
            releaseParameter: releaseParameters[s.name].name,
          })),
          registries: ctx.spec.services.map((s) => repositoryName(team, stableServiceKey(s))),
        },
        awsOpts,
      );
  const deployRole = new DeployRole(
    `${team}-${environment.name}-deploy`,
    {
      team,
      environment: environment.name,
      policy: ctx.policy,
      repositories: ctx.spec.services.map((s) => ({ owner: ctx.spec.github.owner, name: s.name })),
      oidcProviderArn: sharedAws.apply((a) => a.oidcProviderArn),
      region: ctx.spec.aws.region,
      registries: ctx.spec.services.map((s) => repositoryName(team, stableServiceKey(s))),
      releaseParameters: Object.values(releaseParameters).map((p) => p.name),
      instanceIds: server ? [server.instanceId] : [],
    },
    awsOpts,
  );
  const cluster =
    onKubernetes && environment.kubernetes
      ? kubernetesRuntime(
          ctx,
          { ...environment, kubernetes: environment.kubernetes },
          { provider: providers.aws, shared: sharedAws },
          { [environment.name]: deployRole.arn },
        )
      : undefined;
  /** What the GitHub section (environment variables) and the pipeline read. */
  const awsEnvironment = {
    deployRoleArn: deployRole.arn,
    serverInstanceIds: server ? [server.instanceId] : [],
    publicIp: server?.publicIp,
    publicUrls: cluster?.publicUrls ?? server!.publicUrls,
    releaseParameters: Object.fromEntries(
      Object.entries(releaseParameters).map(([service, p]) => [service, p.name]),
    ),
    logGroup: server?.logGroupName,
  };

  // --- GitHub (components/github): the GitHub environment on each repository, its deployment
  // policies, reviewers, variables (from the AWS section) and secrets (ctx.secrets) ------------
  const githubEnvironment = new DeploymentEnvironment(
    `${team}-${environment.name}`,
    {
      deployment: deploymentOf(ctx.policy, environment.name),
      repositories: ctx.spec.services.map((s) => ({ name: s.name, formerNames: s.formerNames })),
      // A variable whose value is undefined is not created.
      variables: Object.fromEntries(
        ctx.spec.services.map((s) => [
          s.name,
          {
            [ENVIRONMENT_VARIABLES.deployRoleArn]: awsEnvironment.deployRoleArn,
            // Comma-separated: the deploy step passes them to SSM Run Command as they are.
            [ENVIRONMENT_VARIABLES.serverInstanceIds]: server
              ? pulumi.all(awsEnvironment.serverInstanceIds).apply((ids) => ids.join(","))
              : undefined,
            [ENVIRONMENT_VARIABLES.publicUrl]: awsEnvironment.publicUrls[s.name],
            [ENVIRONMENT_VARIABLES.releaseParameter]: awsEnvironment.releaseParameters[s.name],
            [ENVIRONMENT_VARIABLES.sentryEnvironment]: ctx.spec.notifications.sentry
              ? environment.name
              : undefined,
            ...cluster?.variables,
          },
        ]),
      ),
      // Not configured: no secret, and the workflow's notification step stays off.
      secrets: {
        [ENVIRONMENT_SECRETS.slackWebhookUrl]: ctx.secrets.slackWebhookUrl,
        [ENVIRONMENT_SECRETS.sentryAuthToken]: ctx.secrets.sentryAuthToken,
        ...cluster?.secrets,
      },
    },
    { provider: providers.github },
  );

  return {
    environment: environment.name,
    role: environment.role,
    sharedTeam: shared.getOutput("team"),
    aws: awsEnvironment,
    // For people reading a plan: reviewers as the spec names them (GitHub stores numeric ids).
    githubEnvironment: githubEnvironment.summary,
  };
}
