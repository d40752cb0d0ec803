/**
 * The Kubernetes runtime's keys of an environment (`runtime: kubernetes` plus its `kubernetes:`
 * block) and the rules that relate them to the rest of the spec. Structure lives in the zod
 * schema; cross-field rules in {@link kubernetesIssues}, which reads possibly-invalid input.
 */
import { z } from "zod";
import { showValue, type SpecIssue } from "./issues";

export const RUNTIMES = ["server", "kubernetes"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/**
 * A DNS-1123 label: what a namespace, Service or Deployment name must be (lowercase alphanumerics
 * and `-`, starting and ending alphanumeric, at most 63 characters).
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;

/**
 * CPU quantity as the spec takes it: millicores (`250m`) or cores with at most three decimals
 * (`0.5`, `2`). Kubernetes accepts more forms; these are the ones a person writes and that
 * convert exactly to millicores for the namespace quota.
 */
const CPU_QUANTITY = /^(?:[1-9][0-9]{0,5}m|[0-9]{1,3}(?:\.[0-9]{1,3})?)$/;
/** Memory quantity in binary units (`128Mi`, `1Gi`). */
const MEMORY_QUANTITY = /^[1-9][0-9]{0,6}(?:Mi|Gi)$/;

/**
 * An EKS cluster name: 1–100 characters, alphanumerics, `-` and `_`, starting alphanumeric.
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html#API_CreateCluster_RequestSyntax
 */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** A Pulumi config key of this project's namespace (the stack secret holding a kubeconfig). */
const CONFIG_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;

const cpu = z.string().regex(CPU_QUANTITY, { message: 'must be a CPU quantity such as "250m" or "1"' });
const memory = z
  .string()
  .regex(MEMORY_QUANTITY, { message: 'must be a memory quantity such as "256Mi" or "1Gi"' });

export const kubernetesServiceSchema = z.strictObject({
  /** Pods when no autoscaling is set. @default 2 - one can be drained while the other serves */
  replicas: z.number().int().min(1).max(100).optional(),
  /** Requests and limits of the container (equal: Guaranteed QoS, predictable quota). */
  resources: z
    .strictObject({
      /** @default "250m" */
      cpu: cpu.default("250m"),
      /** @default "256Mi" */
      memory: memory.default("256Mi"),
    })
    .prefault({}),
  /**
   * HorizontalPodAutoscaler bounds (autoscaling/v2, CPU utilisation). The cluster must run
   * metrics-server. @default no autoscaler: `replicas` pods
   */
  autoscaling: z
    .strictObject({
      minReplicas: z.number().int().min(1).max(100),
      maxReplicas: z.number().int().min(1).max(100),
      /** Average CPU utilisation the autoscaler aims for, percent of the request. @default 70 */
      targetCpuPercent: z.number().int().min(10).max(100).default(70),
    })
    .optional(),
  /**
   * Mount the container's root filesystem read-only (a writable emptyDir is mounted at /tmp).
   * Turn off only for an image that writes elsewhere. @default true
   */
  readOnlyRootFilesystem: z.boolean().default(true),
});

export const kubernetesRuntimeSchema = z.strictObject({
  /** An existing EKS cluster: credentials through AWS, CI admitted by an EKS access entry. */
  eks: z
    .strictObject({
      clusterName: z.string().regex(EKS_CLUSTER_NAME, {
        message: "must be an EKS cluster name (1-100 letters, digits, - and _, starting alphanumeric)",
      }),
    })
    .optional(),
  /**
   * Any other cluster: the name of the stack secret (in the environment's `Pulumi.<stack>.yaml`,
   * set with `pulumi config set --secret`) that holds its kubeconfig. CI gets a namespaced
   * ServiceAccount token as a GitHub environment secret.
   */
  kubeconfig: z
    .string()
    .regex(CONFIG_KEY, { message: "must be a config key name such as kubeconfig (letters, digits, _)" })
    .optional(),
  /** IngressClass of the cluster's ingress controller. @default the cluster's default IngressClass */
  ingressClass: z
    .string()
    .regex(DNS_LABEL, { message: "must be an IngressClass name (a DNS label)" })
    .optional(),
  /**
   * Namespace the ingress controller runs in: the one namespace the default-deny NetworkPolicy
   * admits. @default "ingress-nginx"
   */
  ingressNamespace: z
    .string()
    .regex(DNS_LABEL, { message: "must be a namespace name (a DNS label)" })
    .default("ingress-nginx"),
  /** cert-manager ClusterIssuer that signs the TLS certificates when the environment's `domain` is set. @default "letsencrypt" */
  clusterIssuer: z
    .string()
    .regex(DNS_LABEL, { message: "must be a ClusterIssuer name (a DNS label)" })
    .default("letsencrypt"),
  /**
   * CPU architecture of the cluster's nodes. The team's image is built once, for one
   * architecture, so every environment must agree. @default "amd64"
   */
  architecture: z.enum(["amd64", "arm64"]).default("amd64"),
  /** Replicas, resources and autoscaling per service, by service name. @default 2 replicas of 250m/256Mi */
  services: z.record(z.string(), kubernetesServiceSchema).default({}),
  /**
   * This cluster also hosts the team's pull-request previews (one namespace `<team>-previews`);
   * set it on the environment `team.previews.environment` names (the spec refuses it elsewhere).
   * The TTL and limit are the team's preview settings. @default false
   */
  previews: z.boolean().default(false),
});

export type KubernetesRuntimeSpec = z.output<typeof kubernetesRuntimeSchema>;
export type KubernetesServiceSpec = z.output<typeof kubernetesServiceSchema>;

/** The runtime settings of a service on a Kubernetes environment (defaults when not named). */
export function kubernetesServiceSettings(k: KubernetesRuntimeSpec, service: string): KubernetesServiceSpec {
  return k.services[service] ?? kubernetesServiceSchema.parse({});
}

/** Namespace of an environment on Kubernetes: `<team>-<environment>`. */
export function environmentNamespace(team: string, environment: string): string {
  return `${team}-${environment}`;
}

/** Namespace of a team's previews: `<team>-previews`. */
export function previewsNamespace(team: string): string {
  return `${team}-previews`;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Cross-field rules of the Kubernetes runtime, on possibly-invalid input (`root` is the spec's
 * key path root, `team`).
 */
export function kubernetesIssues(input: Loose, root: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const team = typeof input.name === "string" ? input.name : undefined;
  const services = list(input.services).filter(isObject);
  const serviceNames = services.map((s) => s.name).filter((n): n is string => typeof n === "string");
  let previewHosts = 0;

  list(input.environments).forEach((e, i) => {
    if (!isObject(e)) return;
    const here = `${root}.environments[${i}]`;
    const runtime = e.runtime ?? "server";
    const k = e.kubernetes;
    if (runtime !== "kubernetes") {
      if (k !== undefined) {
        issues.push({
          path: `${here}.kubernetes`,
          message: `is set but runtime is ${showValue(runtime)}; add runtime: kubernetes or remove the block`,
        });
      }
      return;
    }
    if (!isObject(k)) {
      if (k === undefined)
        issues.push({
          path: `${here}.kubernetes`,
          message: "is required when runtime is kubernetes (name the cluster: eks.clusterName or kubeconfig)",
        });
      return;
    }
    // Keys of the server runtime mean nothing here: refuse them rather than ignore them.
    // (stableAddress defaults to false: only true is a request for something.)
    for (const key of ["instanceType", "rootVolumeGiB", "stableAddress", "vpcId", "subnetIds"] as const) {
      if (e[key] !== undefined && e[key] !== false) {
        issues.push({
          path: `${here}.${key}`,
          message: `${showValue(e[key])} applies to the server runtime only; this environment runs on Kubernetes`,
        });
      }
    }
    if ((k.eks === undefined) === (k.kubeconfig === undefined)) {
      issues.push({
        path: `${here}.kubernetes`,
        message:
          "must name exactly one cluster: eks.clusterName (an EKS cluster) or kubeconfig (a stack secret)",
      });
    }
    const name = typeof e.name === "string" ? e.name : undefined;
    if (team && name) {
      const ns = environmentNamespace(team, name);
      if (ns.length > DNS_LABEL_MAX || !DNS_LABEL.test(ns)) {
        issues.push({
          path: `${here}.name`,
          message: `makes the namespace ${showValue(ns)}, which is not a DNS label of at most ${DNS_LABEL_MAX} characters (shorten the team or environment name)`,
        });
      }
    }
    if (k.previews === true) previewHosts++;
    // Without a host, every Ingress of the cluster's class claims path / of any host: a second
    // service (or any preview) would take the first one's traffic.
    if (e.domain === undefined && (serviceNames.length > 1 || k.previews === true)) {
      issues.push({
        path: `${here}.domain`,
        message: `is required with ${k.previews === true ? "previews" : `${serviceNames.length} services`}: each is published at its own host under it (<service>.<domain>); without one they all claim path / of any host`,
      });
    }
    const perService = isObject(k.services) ? k.services : {};
    for (const [service, settings] of Object.entries(perService)) {
      const at = `${here}.kubernetes.services.${service}`;
      if (!serviceNames.includes(service)) {
        issues.push({
          path: at,
          message: `is not a service of the team (known: ${serviceNames.join(", ") || "none"})`,
        });
      }
      if (!isObject(settings)) continue;
      const a = settings.autoscaling;
      if (isObject(a) && typeof a.minReplicas === "number" && typeof a.maxReplicas === "number") {
        if (a.minReplicas > a.maxReplicas) {
          issues.push({
            path: `${at}.autoscaling.minReplicas`,
            message: `${a.minReplicas} is above maxReplicas ${a.maxReplicas}`,
          });
        }
      }
      if (isObject(a) && settings.replicas !== undefined) {
        issues.push({
          path: `${at}.replicas`,
          message: "is decided by the autoscaler when autoscaling is set; remove one of the two",
        });
      }
    }
    // Service names become Deployment and Service names (DNS-1035 labels: start with a letter).
    services.forEach((s, j) => {
      if (typeof s.name === "string" && !DNS_LABEL.test(s.name)) {
        issues.push({
          path: `${root}.services[${j}].name`,
          message: `${showValue(s.name)} must end with a letter or digit to name a Kubernetes Service (environment ${showValue(name)} runs on Kubernetes)`,
        });
      }
    });
  });
  const onKubernetes = list(input.environments).some((e) => isObject(e) && e.runtime === "kubernetes");
  if (onKubernetes && isObject(input.release) && input.release.bootstrapImage === false) {
    issues.push({
      path: `${root}.release.bootstrapImage`,
      message:
        "false leaves the Kubernetes Deployments without an image before the first release; keep it true when an environment runs on Kubernetes",
    });
  }
  if (previewHosts > 1) {
    issues.push({
      path: `${root}.environments`,
      message: `${previewHosts} environments set kubernetes.previews; one cluster hosts the team's previews`,
    });
  }
  return issues;
}
