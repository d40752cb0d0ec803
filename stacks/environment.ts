/**
 * An environment stack (integration, staging, production, …): that environment's server,
 * a deploy role per repository, release parameters, and its GitHub environment on every service repository.
 * Reads the shared stack through a StackReference; destroying it touches nothing else.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./config";
import { kubernetesRuntime } from "./kubernetes";
import { createProviders } from "./providers";
import { repositoryRoleArgs } from "./roles";
import type { SharedOutputName } from "./shared";
import {
  AgentDelivery,
  DeployRole,
  DOCKER_CONFIG_DIR,
  EnvironmentServer,
  invokeScope,
  NOTHING_RELEASED,
  ReleaseParameter,
  repositoryName,
  serverLogGroupName,
  ServiceConfig,
  type SharedAwsOutputs,
} from "../components/aws";
import { DeploymentEnvironment } from "../components/github";
import { deploymentOf, ENVIRONMENT_SECRETS, ENVIRONMENT_VARIABLES } from "../components/release";
import { stableServiceKey } from "../components/team";
import {
  environmentServerSettings,
  kubernetesPreviewEnvironments,
  kubernetesPreviewRoles,
  previewHost,
  previewOwnServer,
  previewServerSettings,
} from "./previews";

export async function environmentStack(ctx: StackContext): Promise<Record<string, unknown>> {
  const environment = ctx.environment!;
  const providers = createProviders(ctx);
  const shared = new pulumi.StackReference("shared", { name: ctx.sharedStack });
  // Only the names the shared stack produces for environments (the offline plan answers no other).
  const sharedOutput = (name: SharedOutputName) => shared.getOutput(name);

  // --- AWS (components/aws): deploy role, server, release parameters, bootstrap image ---------
  const team = ctx.spec.name;
  const awsOpts = { provider: providers.aws };
  const sharedAws = sharedOutput("aws") as pulumi.Output<SharedAwsOutputs>;
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
          adopt: ctx.adopt.includes(stableServiceKey(s)),
        },
        awsOpts,
      ),
    ]),
  );
  // --- The server runtime: configuration parameters, the agent's documents, the server ----------
  // (runtime: kubernetes puts the services on a cluster instead: stacks/kubernetes.ts)
  const onKubernetes = environment.runtime === "kubernetes" && environment.kubernetes !== undefined;
  const logGroup = serverLogGroupName(team, environment.name);
  // --- previews (issue 12; stacks/previews.ts): sizing and proxy ports of the hosting server ---
  const previewServer = previewServerSettings(ctx, environment.name);
  // --- end previews ---
  const configs: Record<string, ServiceConfig> = onKubernetes
    ? {}
    : Object.fromEntries(
        ctx.spec.services.map((s) => [
          s.name,
          new ServiceConfig(
            `${team}-${environment.name}-${stableServiceKey(s)}-config`,
            {
              team,
              environment: environment.name,
              service: stableServiceKey(s),
              values: s.env[environment.name] ?? {},
              secrets: ctx.secrets.serviceSecrets[s.name] ?? {},
            },
            awsOpts,
          ),
        ]),
      );
  const agent = onKubernetes
    ? undefined
    : new AgentDelivery(
        `${team}-${environment.name}-agent`,
        {
          team,
          environment: environment.name,
          sites: ctx.spec.services.map((s) => ({
            // The stable key names the document, as it names the deploy role scoped to it.
            service: stableServiceKey(s),
            registry: sharedAws.apply((a) => a.registries[s.name].url),
            settings: {
              site: s.name,
              environment: environment.name,
              releaseParameter: releaseParameters[s.name].name,
              containerPort: s.public ? s.port : undefined,
              healthCheckPath: s.public ? s.healthCheckPath : undefined,
              // With a domain: https://<service>.<domain>; without: http://<address>/<service>/.
              host: s.public && environment.domain ? `${s.name}.${environment.domain}` : undefined,
              tls: Boolean(environment.domain),
              pathPrefix: s.public && !environment.domain ? `/${s.name}` : undefined,
              configPath: configs[s.name].path,
              region: ctx.spec.aws.region,
              logGroup,
              dockerConfigDir: DOCKER_CONFIG_DIR,
            },
          })),
        },
        awsOpts,
      );
  const server = !agent
    ? undefined
    : new EnvironmentServer(
        `${team}-${environment.name}`,
        {
          team,
          environment,
          specPath: `team.environments[${ctx.spec.environments.indexOf(environment)}]`,
          region: ctx.spec.aws.region,
          services: ctx.spec.services.map((s) => ({
            name: s.name,
            public: s.public,
            releaseParameter: releaseParameters[s.name].name,
            configPath: configs[s.name].path,
          })),
          registries: ctx.spec.services.map((s) => repositoryName(team, stableServiceKey(s))),
          bootDocument: { name: agent.bootDocumentName, version: agent.bootDocumentVersion },
          ami: ctx.serverAmi,
          // its root volume; with previews on this server, the type the preview sizing chose and
          // the proxy open for them
          ...environmentServerSettings(ctx, environment, previewServer),
        },
        awsOpts,
      );
  const scope = invokeScope({ provider: providers.aws });
  // One deploy role per repository (one OIDC door per repository and environment), named by the
  // service's stable key so a rename keeps it: its registry, its release parameter, its deploy
  // document on this environment's servers, nothing of another service.
  const deployRoles = Object.fromEntries(
    ctx.spec.services.map((s) => [
      s.name,
      new DeployRole(
        `${team}-${environment.name}-${stableServiceKey(s)}-deploy`,
        {
          ...repositoryRoleArgs(ctx, s, sharedAws, scope),
          environment: environment.name,
          policy: ctx.policy,
          releaseParameter: releaseParameters[s.name].name,
          instanceIds: server ? [server.instanceId] : [],
        },
        awsOpts,
      ),
    ]),
  );
  // --- previews on Kubernetes (stacks/previews.ts): per repository the role its preview jobs assume
  const clusterPreviewRoles = onKubernetes
    ? kubernetesPreviewRoles(ctx, environment.name, { providers, sharedAws, scope })
    : undefined;
  // --- end previews ---
  const cluster =
    onKubernetes && environment.kubernetes
      ? kubernetesRuntime(
          ctx,
          { ...environment, kubernetes: environment.kubernetes },
          { provider: providers.aws, shared: sharedAws },
          Object.fromEntries(Object.entries(deployRoles).map(([service, r]) => [service, r.arn])),
          clusterPreviewRoles &&
            Object.fromEntries(Object.entries(clusterPreviewRoles).map(([service, r]) => [service, r.arn])),
        )
      : undefined;
  /** What the GitHub section (environment variables) and the pipeline read. */
  const awsEnvironment = {
    /** Per service (current name). */
    deployRoleArns: Object.fromEntries(Object.entries(deployRoles).map(([service, r]) => [service, r.arn])),
    /** Per service (current name): the SSM document CI sends, the one its deploy role may send. */
    deployDocuments: Object.fromEntries(
      ctx.spec.services.map((s) => [s.name, agent?.deployDocuments[stableServiceKey(s)]]),
    ),
    serverInstanceIds: server ? [server.instanceId] : [],
    publicIp: server?.publicIp,
    publicUrls: cluster?.publicUrls ?? server!.publicUrls,
    releaseParameters: Object.fromEntries(
      Object.entries(releaseParameters).map(([service, p]) => [service, p.name]),
    ),
    logGroup: server?.logGroupName,
    bootDocument: agent?.bootDocumentName,
    serverAmi: server?.ami,
  };

  // --- previews (issue 12; stacks/previews.ts): per repository its preview document, role and
  // `preview` GitHub environment ------------------------------------------------------------------
  // `team.previews.instanceType`: previews run on their own small server, not the environment's.
  const previewsServer =
    previewServer?.plan.ownServer && server
      ? previewOwnServer(ctx, {
          settings: previewServer,
          environment,
          specPath: `team.environments[${ctx.spec.environments.indexOf(environment)}]`,
          ami: ctx.serverAmi,
          opts: awsOpts,
        })
      : server;
  const previews =
    clusterPreviewRoles && cluster?.previews
      ? kubernetesPreviewEnvironments(ctx, { providers, roles: clusterPreviewRoles, ...cluster.previews })
      : previewServer && previewsServer
        ? previewHost(ctx, {
            settings: previewServer,
            providers,
            sharedAws,
            scope,
            instanceIds: [previewsServer.instanceId],
            publicIp: previewsServer.publicIp,
            logGroup: previewsServer.logGroupName,
          })
        : undefined;
  // --- end previews ---

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
            [ENVIRONMENT_VARIABLES.deployRoleArn]: awsEnvironment.deployRoleArns[s.name],
            [ENVIRONMENT_VARIABLES.deployDocument]: awsEnvironment.deployDocuments[s.name],
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
    sharedTeam: sharedOutput("team"),
    aws: awsEnvironment,
    ...(previews ? { previews } : {}),
    // For people reading a plan: reviewers as the spec names them (GitHub stores numeric ids).
    githubEnvironment: githubEnvironment.summary,
  };
}
