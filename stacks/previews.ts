/**
 * Pull-request previews (issue 12) in the environment stack that hosts them
 * (`resolvePreviews(spec).environment`, integration's by default): what the server must be, and
 * per repository the preview document, the preview role and the `preview` GitHub environment.
 * environment.ts calls these two functions in its "previews" section; nothing else there changes.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./config";
import type { Providers } from "./providers";
import { repositoryRoleArgs } from "./roles";
import {
  AgentDelivery,
  ClusterPreviewRole,
  DOCKER_CONFIG_DIR,
  EnvironmentServer,
  PreviewRole,
  PROXY_RUNTIME_DIR,
  repositoryName,
  serverLogGroupName,
  type ProviderScope,
  type SharedAwsOutputs,
} from "../components/aws";
import { PUBLIC_BASE_URL_FROM_METADATA } from "../components/aws/preview-agent";
import { PreviewDocument, previewDocumentSettings } from "../components/aws/preview-document";
import { PreviewEnvironment } from "../components/github/preview-environment";
import {
  environmentRootVolume,
  resolvePreviews,
  stableServiceKey,
  type EnvironmentSpec,
  type PreviewPlan,
} from "../components/team";

/** What the server previews run on needs, or undefined when this stack hosts none. */
export interface PreviewServerSettings {
  readonly plan: PreviewPlan;
  /**
   * The type the preview sizing chose (the spec's, or the smallest that holds the previews): of
   * the previews' own server when `plan.ownServer`, else of the hosting environment's server.
   */
  readonly instanceType: string;
  /** The proxy answers previews on 80, and 443 with a preview domain, even with no public service. */
  readonly proxyPorts: readonly (80 | 443)[];
}

/**
 * The server settings previews need in `environmentName`'s stack; none when previews run on
 * Kubernetes (kubernetesPreviewRoles and kubernetesPreviewEnvironments below).
 */
export function previewServerSettings(
  ctx: StackContext,
  environmentName: string,
): PreviewServerSettings | undefined {
  const plan = resolvePreviews(ctx.spec);
  if (!plan || plan.environment !== environmentName || plan.runtime !== "server") return undefined;
  return { plan, instanceType: plan.instanceType, proxyPorts: plan.domain ? [80, 443] : [80] };
}

/**
 * The environment's own server's settings: its root volume (sized for its services, and for
 * previews when they share it), and from previews the type they need and the proxy's ports.
 */
export function environmentServerSettings(
  ctx: StackContext,
  environment: EnvironmentSpec,
  settings: PreviewServerSettings | undefined,
): { rootVolumeGiB: number; instanceType?: string; proxyPorts?: readonly (80 | 443)[] } {
  const shared = settings && !settings.plan.ownServer ? settings : undefined;
  const rootVolumeGiB = environmentRootVolume(ctx.spec, environment).gib;
  if (!shared) return { rootVolumeGiB };
  return { rootVolumeGiB, instanceType: shared.instanceType, proxyPorts: shared.proxyPorts };
}

export interface PreviewOwnServerArgs {
  readonly settings: PreviewServerSettings;
  /** The hosting environment (its network, stable address and domain are the preview server's). */
  readonly environment: EnvironmentSpec;
  /** The hosting environment's place in the spec: the preview server's subnet errors name it. */
  readonly specPath: string;
  readonly ami?: string;
  readonly opts: pulumi.ComponentResourceOptions;
}

/**
 * Previews' own server (`team.previews.instanceType`): `<team>-<env>-previews`, an
 * EnvironmentServer with no services of its own (same hardening, its own role, log group and
 * security group), booted by an agent delivery with no sites, which installs the agent files
 * the preview document runs and deploys nothing. Named as an environment `<env>-previews` so its
 * log group, boot document and server permissions never collide with the environment's own.
 *
 * Stopped while no preview is open (preview.yml starts it for a deploy, stops it when a remove or
 * sweep leaves none), so idle it costs its root volume only. A stopped instance releases its
 * auto-assigned public IPv4 address and gets a new one at start (EC2 User Guide, "Public IPv4
 * addresses"): without a preview domain the agent reads the current address from instance
 * metadata for each preview URL; with one, `*.<service>.<domain>` must keep pointing at the
 * server, so it gets an Elastic IP (charged while stopped too, $3.65/month).
 */
export function previewOwnServer(ctx: StackContext, args: PreviewOwnServerArgs): EnvironmentServer {
  const team = ctx.spec.name;
  const name = `${args.environment.name}-previews`;
  const agent = new AgentDelivery(
    `${team}-${name}-agent`,
    {
      team,
      environment: name,
      sites: [],
      environmentSettings: {
        environment: name,
        region: ctx.spec.aws.region,
        logGroup: serverLogGroupName(team, name),
        dockerConfigDir: DOCKER_CONFIG_DIR,
      },
    },
    args.opts,
  );
  return new EnvironmentServer(
    `${team}-${name}`,
    {
      team,
      environment: {
        ...args.environment,
        name,
        instanceType: args.settings.instanceType,
        // The hosting environment's stable address is its own; previews need one only for DNS.
        stableAddress: Boolean(args.settings.plan.domain),
      },
      specPath: args.specPath,
      region: ctx.spec.aws.region,
      services: [],
      registries: ctx.spec.services.map((s) => repositoryName(team, stableServiceKey(s))),
      bootDocument: { name: agent.bootDocumentName, version: agent.bootDocumentVersion },
      ami: args.ami,
      instanceType: args.settings.instanceType,
      rootVolumeGiB: args.settings.plan.rootVolume?.gib,
      proxyPorts: args.settings.proxyPorts,
      stoppedWhenIdle: true,
    },
    args.opts,
  );
}

export interface PreviewHostArgs {
  readonly settings: PreviewServerSettings;
  readonly providers: Providers;
  readonly sharedAws: pulumi.Output<SharedAwsOutputs>;
  readonly scope: pulumi.Input<ProviderScope>;
  /** Instance ids of the servers that host previews. */
  readonly instanceIds: pulumi.Input<string>[];
  /** The hosting server's public address: previews answer at http://<ip>/previews/… without a domain. */
  readonly publicIp: pulumi.Input<string>;
  readonly logGroup: string;
}

/**
 * Per repository: its preview document on the hosting servers, its preview role (may send only
 * that document, push only its own images) and its `preview` GitHub environment carrying the
 * role ARN, document name, instance ids (PREVIEW_VARIABLES) and the Slack webhook secret.
 */
export function previewHost(ctx: StackContext, args: PreviewHostArgs): Record<string, unknown> {
  const team = ctx.spec.name;
  const environment = args.settings.plan.environment;
  const awsOpts = { provider: args.providers.aws };
  const perService = ctx.spec.services.map((s) => {
    const key = stableServiceKey(s);
    const document = new PreviewDocument(
      `${team}-${environment}-${key}-preview`,
      {
        ...previewDocumentSettings(ctx.spec, s)!,
        team,
        service: key,
        registryUrl: args.sharedAws.apply((a) => a.registries[s.name].url),
        // Previews' own server changes address at every start: the agent reads it when it needs it.
        publicBaseUrl: args.settings.plan.ownServer
          ? PUBLIC_BASE_URL_FROM_METADATA
          : pulumi.interpolate`http://${args.publicIp}`,
        // The hosting environment's non-secret configuration (secrets never reach a preview).
        config: s.env[environment],
        region: ctx.spec.aws.region,
        logGroup: args.logGroup,
        // Where the deploy agent runs kamal-proxy (XDG_RUNTIME_DIR=PROXY_RUNTIME_DIR).
        proxySocket: `${PROXY_RUNTIME_DIR}/kamal-proxy.sock`,
      },
      awsOpts,
    );
    const role = new PreviewRole(
      `${team}-${key}-preview`,
      {
        ...repositoryRoleArgs(ctx, s, args.sharedAws, args.scope),
        environment,
        instanceIds: args.instanceIds,
        // Previews' own server is stopped while idle: preview.yml starts and stops it.
        startStopInstanceIds: args.settings.plan.ownServer ? args.instanceIds : undefined,
      },
      awsOpts,
    );
    new PreviewEnvironment(
      `${team}-${s.name}-preview`,
      {
        repository: s.name,
        formerNames: s.formerNames,
        roleArn: role.arn,
        documentName: document.name,
        instanceIds: args.instanceIds,
        slackWebhookUrl: ctx.secrets.slackWebhookUrl,
      },
      { provider: args.providers.github },
    );
    return [s.name, { roleArn: role.arn, document: document.name }] as const;
  });
  return {
    environment,
    instanceType: args.settings.instanceType,
    memoryNeededMib: args.settings.plan.memoryNeededMib,
    maxPerService: args.settings.plan.maxPerService,
    ttlDays: args.settings.plan.ttlDays,
    services: Object.fromEntries(perService),
  };
}

// --- Previews on Kubernetes (issue 13): the cluster's previews namespace and preview deployer are
// KubernetesEnvironment's (stacks/kubernetes.ts); here, per repository, the role its preview jobs
// assume and its `preview` GitHub environment.

/**
 * Per service (current name) its preview role when `environmentName`'s cluster hosts previews:
 * pushes that service's images; on EKS an access entry puts it in the previews namespace's
 * deployer group. Undefined when previews do not run on this environment's cluster.
 */
export function kubernetesPreviewRoles(
  ctx: StackContext,
  environmentName: string,
  args: {
    readonly providers: Providers;
    readonly sharedAws: pulumi.Output<SharedAwsOutputs>;
    readonly scope: pulumi.Input<ProviderScope>;
  },
): Record<string, ClusterPreviewRole> | undefined {
  const plan = resolvePreviews(ctx.spec);
  if (!plan || plan.environment !== environmentName || plan.runtime !== "kubernetes") return undefined;
  const team = ctx.spec.name;
  return Object.fromEntries(
    ctx.spec.services.map((s) => {
      const key = stableServiceKey(s);
      const role = new ClusterPreviewRole(
        `${team}-${key}-cluster-preview`,
        {
          ...repositoryRoleArgs(ctx, s, args.sharedAws, args.scope),
          environment: environmentName,
        },
        { provider: args.providers.aws },
      );
      return [s.name, role] as const;
    }),
  );
}

/**
 * Per repository its `preview` GitHub environment for previews on Kubernetes: the role ARN, the
 * previews namespace and how to reach the cluster (and off EKS the preview deployer's token).
 */
export function kubernetesPreviewEnvironments(
  ctx: StackContext,
  args: {
    readonly providers: Providers;
    readonly roles: Readonly<Record<string, ClusterPreviewRole>>;
    readonly variables: Readonly<Record<string, pulumi.Input<string> | undefined>>;
    readonly secrets: Readonly<Record<string, pulumi.Input<string> | undefined>>;
  },
): Record<string, unknown> {
  const plan = resolvePreviews(ctx.spec)!;
  const team = ctx.spec.name;
  for (const s of ctx.spec.services) {
    new PreviewEnvironment(
      `${team}-${s.name}-preview`,
      {
        repository: s.name,
        formerNames: s.formerNames,
        roleArn: args.roles[s.name].arn,
        variables: args.variables,
        secrets: args.secrets,
        slackWebhookUrl: ctx.secrets.slackWebhookUrl,
      },
      { provider: args.providers.github },
    );
  }
  return {
    environment: plan.environment,
    runtime: plan.runtime,
    namespace: plan.kubernetes?.namespace,
    maxPerService: plan.maxPerService,
    ttlDays: plan.ttlDays,
    services: Object.fromEntries(Object.entries(args.roles).map(([name, r]) => [name, { roleArn: r.arn }])),
  };
}
