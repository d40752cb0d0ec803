/**
 * Pull-request previews in the team spec (`team.previews`, `services[i].seedCommand`,
 * `services[i].memoryMb`): where previews run, and whether that server can hold them.
 *
 * Sizing is by memory, the resource a small server runs out of first. What a server needs:
 *   SERVER_RESERVED_MIB (Amazon Linux, Docker, the SSM agent, kamal-proxy)
 *   + the environment's own services, one container each, and one deploy candidate beside the
 *     largest (only when previews share the environment's server)
 *   + maxPerService previews of every service, each limited to the service's memoryMb
 *     (the preview agent runs them with `docker run --memory`)
 *   + one preview update in flight (the largest service's memoryMb).
 * An instance type the table does not know is not checked (its memory is not assumed).
 */
import type { EnvironmentSpec, TeamSpec } from "./schema";
import type { SpecIssue } from "./issues";
import { previewsNamespace } from "./kubernetes";
import { showValue } from "./issues";
import { environmentServerDisk, previewServerDisk, type ServerDisk } from "./server-disk";

/** Memory of the burstable types teams use for these servers, MiB (EC2 instance type specs). */
export const INSTANCE_MEMORY_MIB: Readonly<Record<string, number>> = {
  "t4g.nano": 512,
  "t4g.micro": 1024,
  "t4g.small": 2048,
  "t4g.medium": 4096,
  "t4g.large": 8192,
  "t4g.xlarge": 16384,
  "t4g.2xlarge": 32768,
  "t3.nano": 512,
  "t3.micro": 1024,
  "t3.small": 2048,
  "t3.medium": 4096,
  "t3.large": 8192,
  "t3.xlarge": 16384,
  "t3.2xlarge": 32768,
};

/** Sizes tried, smallest first, when a server's type is left to its default. */
const SIZES = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"] as const;

/** Amazon Linux 2023, Docker, the SSM agent and kamal-proxy on an otherwise idle server, MiB. */
export const SERVER_RESERVED_MIB = 384;

/** Memory a service's container is assumed to need when the spec does not say (`services[i].memoryMb`). */
export const DEFAULT_SERVICE_MEMORY_MB = 256;

/** The default instance type of an environment's server (the server runtime's rule). */
export function defaultServerType(env: Pick<EnvironmentSpec, "role">): string {
  return env.role === "production" ? "t4g.small" : "t4g.micro";
}

/** What the spec says about previews, resolved: where they run and how many. */
export interface PreviewPlan {
  /** The environment whose stack hosts previews (its servers, or the previews' own server). */
  readonly environment: string;
  /** Previews get their own server of `instanceType`; otherwise they share the environment's. */
  readonly ownServer: boolean;
  /** The type of the server previews run on: given in the spec, or the smallest that holds them. */
  readonly instanceType: string;
  /** The type given in the spec (`previews.instanceType` or the environment's); undefined: sized here. */
  readonly explicitType?: string;
  /** The type the hosting environment's server would have without previews. */
  readonly typeWithoutPreviews: string;
  /** MiB the server needs with every preview running. */
  readonly memoryNeededMib: number;
  /** Previews' own server's root volume (server-disk.ts); undefined when they share a server. */
  readonly rootVolume?: ServerDisk;
  readonly domain?: string;
  readonly ttlDays: number;
  readonly maxPerService: number;
  /**
   * Where previews run: on the hosting environment's (or their own) server, or on Kubernetes in
   * the cluster's previews namespace (then the server fields above describe no server we create).
   */
  readonly runtime: "server" | "kubernetes";
  /** On Kubernetes: the previews namespace, the nodes' architecture, and the hosts' domain. */
  readonly kubernetes?: {
    readonly namespace: string;
    readonly architecture: "amd64" | "arm64";
    /** `pr-<n>-<service>.<domain>`: team.previews.domain, else the hosting environment's. */
    readonly domain: string;
  };
}

/** The environment previews run on when the spec does not name one: integration's, else staging's. */
function defaultPreviewEnvironment(spec: Pick<TeamSpec, "environments">): EnvironmentSpec | undefined {
  return (
    spec.environments.find((e) => e.role === "integration") ??
    spec.environments.find((e) => e.role === "staging")
  );
}

/** Memory a server needs for `previews` (see the module comment). */
export function previewMemoryNeededMib(
  services: readonly { readonly memoryMb?: number }[],
  maxPerService: number,
  sharesEnvironmentServer: boolean,
): number {
  const sizes = services.map((s) => s.memoryMb ?? DEFAULT_SERVICE_MEMORY_MB);
  const total = sizes.reduce((a, b) => a + b, 0);
  const largest = Math.max(0, ...sizes);
  const own = sharesEnvironmentServer ? total + largest : 0;
  return SERVER_RESERVED_MIB + own + maxPerService * total + largest;
}

/** The smallest type of `family` (`t4g`, `t3`) with at least `mib` of memory, if any. */
export function smallestTypeHolding(mib: number, family = "t4g"): string | undefined {
  return SIZES.map((s) => `${family}.${s}`).find((t) => (INSTANCE_MEMORY_MIB[t] ?? 0) >= mib);
}

const familyOf = (type: string): string => (type.startsWith("t3.") ? "t3" : "t4g");

/**
 * Where and on what previews run, or undefined when previews are off. Throws nothing: a spec that
 * cannot hold its previews is refused by {@link previewIssues} during validation.
 */
export function resolvePreviews(spec: TeamSpec): PreviewPlan | undefined {
  const p = spec.previews;
  if (!p.enabled) return undefined;
  const env = p.environment
    ? spec.environments.find((e) => e.name === p.environment)
    : defaultPreviewEnvironment(spec);
  if (!env) return undefined;
  const ownServer = p.instanceType !== undefined;
  const explicitType = p.instanceType ?? env.instanceType;
  const typeWithoutPreviews = env.instanceType ?? defaultServerType(env);
  const memoryNeededMib = previewMemoryNeededMib(spec.services, p.maxPerService, !ownServer);
  const instanceType =
    explicitType ??
    smallestTypeHolding(memoryNeededMib, familyOf(typeWithoutPreviews)) ??
    `${familyOf(typeWithoutPreviews)}.2xlarge`;
  return {
    environment: env.name,
    ownServer,
    instanceType,
    explicitType,
    typeWithoutPreviews,
    memoryNeededMib,
    ...(ownServer ? { rootVolume: previewServerDisk(spec, p) } : {}),
    domain: p.domain,
    ttlDays: p.ttlDays,
    maxPerService: p.maxPerService,
    runtime: env.runtime === "kubernetes" && env.kubernetes ? "kubernetes" : "server",
    ...(env.runtime === "kubernetes" && env.kubernetes
      ? {
          kubernetes: {
            namespace: previewsNamespace(spec.name),
            architecture: env.kubernetes.architecture,
            // Validation requires a domain on an environment whose cluster hosts previews.
            domain: p.domain ?? env.domain ?? "",
          },
        }
      : {}),
  };
}

/**
 * The root volume of `env`'s own server (server-disk.ts): its services' releases, and every
 * preview when previews share this server.
 */
export function environmentRootVolume(spec: TeamSpec, env: EnvironmentSpec): ServerDisk {
  const p = resolvePreviews(spec);
  const shared = p && p.environment === env.name && !p.ownServer && p.runtime === "server";
  return environmentServerDisk(spec, env, shared ? p : undefined);
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const rawIndex = (input: Loose, e: Loose): number =>
  (Array.isArray(input.environments) ? input.environments : []).indexOf(e);

/**
 * Longest service name whose preview objects (`pr-<n>-<service>`, also the first label of the
 * preview's host) stay DNS labels of 63 characters for pull requests up to #9999999: Services and
 * host labels are refused beyond 63 (RFC 1123, Kubernetes' DNS-1035 Service names).
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export const KUBERNETES_PREVIEW_SERVICE_NAME_MAX = 63 - "pr-9999999-".length;

/**
 * Previews on a Kubernetes environment: its cluster must be prepared for them
 * (`kubernetes.previews: true` creates the previews namespace, quota and preview deployer), and
 * the server-only preview keys mean nothing there.
 */
function kubernetesPreviewIssues(input: Loose, env: Loose, environments: readonly Loose[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const p = isObject(input.previews) ? input.previews : {};
  const k = isObject(env.kubernetes) ? env.kubernetes : {};
  if (k.previews !== true) {
    issues.push({
      path: "team.previews.environment",
      message: `${showValue(env.name)} runs on Kubernetes without previews on its cluster: set team.environments[${rawIndex(input, env)}].kubernetes.previews: true (creates the previews namespace, its quota and the preview deployer), or host previews on a server environment`,
    });
  }
  for (const key of ["instanceType", "rootVolumeGiB"] as const) {
    if (p[key] !== undefined) {
      issues.push({
        path: `team.previews.${key}`,
        message: `${showValue(p[key])} is for previews' own server, but previews on ${showValue(env.name)} run in its cluster's previews namespace (no server); remove it`,
      });
    }
  }
  environments.forEach((e) => {
    if (e !== env && isObject(e.kubernetes) && e.kubernetes.previews === true)
      issues.push({
        path: `team.environments[${rawIndex(input, e)}].kubernetes.previews`,
        message: `previews run on ${showValue(env.name)} (team.previews.environment), not on ${showValue(e.name)}; remove kubernetes.previews here`,
      });
  });
  (Array.isArray(input.services) ? input.services : []).forEach((s, i) => {
    if (isObject(s) && typeof s.name === "string" && s.name.length > KUBERNETES_PREVIEW_SERVICE_NAME_MAX)
      issues.push({
        path: `team.services[${i}].name`,
        message: `${showValue(s.name)} is longer than ${KUBERNETES_PREVIEW_SERVICE_NAME_MAX} characters: its previews' names pr-<n>-${s.name} would pass the 63 characters of a Kubernetes name and a DNS label`,
      });
  });
  return issues;
}

/**
 * Cross-field rules of `team.previews`, on possibly-invalid input (every access guarded): the
 * environment exists and is not production, and the server can hold `maxPerService` previews of
 * every service.
 */
export function previewIssues(input: Loose): SpecIssue[] {
  const p = isObject(input.previews) ? input.previews : {};
  if (p.enabled === false) return [];
  const environments = (Array.isArray(input.environments) ? input.environments : []).filter(isObject);
  const services = (Array.isArray(input.services) ? input.services : []).filter(isObject);
  const issues: SpecIssue[] = [];
  let env: Loose | undefined;
  if (typeof p.environment === "string") {
    env = environments.find((e) => e.name === p.environment);
    if (!env) {
      const names = environments.map((e) => showValue(e.name));
      issues.push({
        path: "team.previews.environment",
        message: `${showValue(p.environment)} is not an environment of the spec (${names.join(", ")})`,
      });
      return issues;
    }
  } else {
    env =
      environments.find((e) => e.role === "integration") ?? environments.find((e) => e.role === "staging");
    if (!env) {
      if (environments.length > 0)
        issues.push({
          path: "team.previews",
          message:
            "previews run on the integration (or staging) environment's server and the spec has neither; set team.previews.environment or team.previews.enabled: false",
        });
      return issues;
    }
  }
  if (env.role === "production") {
    issues.push({
      path: "team.previews.environment",
      message: `${showValue(env.name)} is the production environment: previews run unreviewed code and must not share its server`,
    });
    return issues;
  }
  if (env.runtime === "kubernetes") return [...issues, ...kubernetesPreviewIssues(input, env, environments)];
  // A cluster prepared for previews that the spec does not send them to is a namespace and a
  // deployer nobody uses: say where previews go instead of creating it silently.
  environments.forEach((e) => {
    if (isObject(e.kubernetes) && e.kubernetes.previews === true)
      issues.push({
        path: `team.environments[${rawIndex(input, e)}].kubernetes.previews`,
        message: `previews run on ${showValue(env!.name)}'s server (team.previews.environment); set team.previews.environment: ${showValue(e.name)} to run them on this cluster, or remove kubernetes.previews`,
      });
  });
  // Without a domain previews answer below /previews/ on the server, where a service of that name
  // would also be routed (services without a domain answer at /<service>).
  if (typeof p.domain !== "string") {
    services.forEach((s, i) => {
      if (s.name === "previews")
        issues.push({
          path: `team.services[${i}].name`,
          message:
            '"previews" is the path previews answer under without team.previews.domain; rename the service or set a preview domain',
        });
    });
  }

  if (p.rootVolumeGiB !== undefined && typeof p.instanceType !== "string") {
    issues.push({
      path: "team.previews.rootVolumeGiB",
      message: `sizes previews' own server (team.previews.instanceType), which previews here do not have: they share ${showValue(env.name)}'s server, whose volume is team.environments[${rawIndex(input, env)}].rootVolumeGiB`,
    });
  }

  const maxPerService = typeof p.maxPerService === "number" ? p.maxPerService : 5;
  const memory = services.map((s) => ({ memoryMb: typeof s.memoryMb === "number" ? s.memoryMb : undefined }));
  const ownServer = typeof p.instanceType === "string";
  const type = ownServer
    ? (p.instanceType as string)
    : typeof env.instanceType === "string"
      ? env.instanceType
      : undefined;
  const need = previewMemoryNeededMib(memory, maxPerService, !ownServer);
  const where = ownServer
    ? "team.previews.instanceType"
    : `team.environments[${(Array.isArray(input.environments) ? input.environments : []).indexOf(env)}].instanceType`;
  // Previews are on by default, so a team that never wrote `previews:` (and chose a small server to
  // keep it cheap) is refused here too. The refusal stands rather than shrinking maxPerService or
  // turning previews off behind the team's back: an explicit instanceType is the team's cost
  // decision, and even one preview does not fit a micro server beside the environment's own
  // services. But the message names the switch such a team is looking for.
  const offHint = "; or set team.previews.enabled: false (previews are on by default)";
  if (type !== undefined) {
    const have = INSTANCE_MEMORY_MIB[type];
    if (have !== undefined && have < need) {
      const fits = smallestTypeHolding(need, familyOf(type));
      issues.push({
        path: "team.previews.maxPerService",
        message: `${maxPerService} previews of each of ${services.length} service(s) need ${need} MiB on ${type} (${where}), which has ${have} MiB; lower team.previews.maxPerService or services[i].memoryMb, or use ${fits ?? "a larger instance type"}${offHint}`,
      });
    }
  } else if (smallestTypeHolding(need) === undefined) {
    issues.push({
      path: "team.previews.maxPerService",
      message: `${maxPerService} previews of each of ${services.length} service(s) need ${need} MiB, more than the largest t4g server (32768 MiB); lower it or services[i].memoryMb${offHint}`,
    });
  }
  return issues;
}
