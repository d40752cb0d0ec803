/**
 * The deploy agent: a bash script (deploy-agent.sh, checked by shellcheck) plus one settings file
 * per site. A site is what the proxy routes to: a service of the environment, or (later) a named
 * preview slot of one (`<service>-pr-<n>`, {@link previewSiteName}). The settings are data
 * rendered here; the script never changes per team.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { NOTHING_RELEASED } from "./names";

/** Per-site settings directory on the server. */
export const DEPLOY_AGENT_CONFIG_DIR = "/etc/delivery-agent";
/** Docker client config for the server (ECR credential helper). */
export const DOCKER_CONFIG_DIR = "/etc/delivery-agent/docker";
/** kamal-proxy's runtime directory: its control socket (`XDG_RUNTIME_DIR` of the proxy). */
export const PROXY_RUNTIME_DIR = "/run/kamal-proxy";

/** The agent's source, as installed on the server. */
export function deployAgentScript(): string {
  return readFileSync(path.join(__dirname, "deploy-agent.sh"), "utf8");
}

/** A site's name for a pull request preview of a service. */
export function previewSiteName(service: string, pullRequest: number): string {
  return `${service}-pr-${pullRequest}`;
}

export interface AgentSiteSettings {
  /** The site: a service name, or a preview slot of one. */
  readonly site: string;
  readonly environment: string;
  readonly releaseParameter: string;
  /** The repository images must come from: `<account>.dkr.ecr.<region>.amazonaws.com/<team>/<service>`. */
  readonly registry: string;
  /** Port the container listens on. @default none - a worker: no proxy route, no ingress */
  readonly containerPort?: number;
  readonly healthCheckPath?: string;
  /** Host routed to the site. @default none - routed by {@link pathPrefix} on the server's address */
  readonly host?: string;
  /** HTTPS with an ACME certificate for {@link host}. @default false */
  readonly tls?: boolean;
  /** Without a host: the path prefix routed to the site (stripped before it reaches the container). */
  readonly pathPrefix?: string;
  /** SSM path of the site's configuration parameters (`…/config/`). @default none - no configuration */
  readonly configPath?: string;
  readonly region?: string;
  /** CloudWatch log group for the containers. @default docker's local json-file logs */
  readonly logGroup?: string;
  /** DOCKER_CONFIG for the agent. @default the docker client's own default */
  readonly dockerConfigDir?: string;
  /** Previous releases whose images stay on the server for rollback. @default 2 */
  readonly keepReleases?: number;
}

const SAFE_VALUE = /^[A-Za-z0-9._~/:@+=-]*$/;

type Entry = [string, string | number | boolean | undefined];

function render(what: string, entries: Entry[]): string {
  const lines: string[] = [];
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const text = String(value);
    if (!SAFE_VALUE.test(text))
      throw new Error(`deploy agent setting ${key} for ${what}: unsafe value ${JSON.stringify(text)}`);
    lines.push(`${key}=${text}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Settings every site of a server shares: `$CONFIG_DIR/environment.conf`. */
export const ENVIRONMENT_SETTINGS_FILE = "environment.conf";

/**
 * The settings the agent sources from {@link ENVIRONMENT_SETTINGS_FILE}: what every site of the
 * server shares (written once, so the boot document stays small with many services). Values are
 * restricted to characters that need no quoting in bash or systemd, so the file can never run code.
 */
/** What every site of an environment's server shares (the environment settings file). */
export type EnvironmentSettings = Pick<
  AgentSiteSettings,
  "environment" | "region" | "logGroup" | "dockerConfigDir" | "keepReleases"
>;

export function environmentSettingsFile(s: EnvironmentSettings): string {
  return render(s.environment, [
    ["ENVIRONMENT", s.environment],
    ["NOTHING_RELEASED", NOTHING_RELEASED],
    ["KEEP_RELEASES", s.keepReleases ?? 2],
    ["AWS_REGION", s.region],
    ["LOG_GROUP", s.logGroup],
    ["DOCKER_CONFIG_DIR", s.dockerConfigDir],
  ]);
}

/**
 * The `<site>.env` file the agent sources after {@link environmentSettingsFile}: what is the
 * site's own. Same character rule; anything else is refused.
 */
export function agentSettingsFile(s: AgentSiteSettings): string {
  if (s.containerPort !== undefined && !s.healthCheckPath)
    throw new Error(`deploy agent settings for ${s.site}: a site with a port needs a healthCheckPath`);
  return render(s.site, [
    ["RELEASE_PARAMETER", s.releaseParameter],
    ["REGISTRY", s.registry],
    ["CONTAINER_PORT", s.containerPort],
    ["HEALTH_PATH", s.containerPort === undefined ? undefined : s.healthCheckPath],
    ["PROXY_HOST", s.host],
    ["PROXY_TLS", s.host ? (s.tls ?? false) : undefined],
    ["PROXY_PATH_PREFIX", s.host ? undefined : s.pathPrefix],
    ["CONFIG_PATH", s.configPath],
  ]);
}
