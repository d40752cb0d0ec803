/**
 * The Kubernetes objects of an environment, as data: pure functions from narrow arguments to
 * manifests. The component (environment.ts) only hands them to `@pulumi/kubernetes`; the tests
 * validate them against the Kubernetes OpenAPI schemas and read their RBAC as tables.
 *
 * Values that may come from another resource (the image, secret values) are a type parameter
 * `V`: plain strings in tests, `pulumi.Input<string>` in the component.
 *
 * Each spec is typed with `@pulumi/kubernetes`'s input types (generated from the Kubernetes
 * OpenAPI schema): a misspelt field is a compile error, which the schema validation in the tests
 * cannot catch (the OpenAPI schemas allow unknown fields; the API server drops or refuses them).
 */
import type { types } from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";

/** A Kubernetes object as the API takes it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** Labels every object of ours carries (the recommended `app.kubernetes.io/*` set). */
export const LABELS = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  environment: "delivery-workflow/environment",
  preview: "delivery-workflow/preview",
} as const;

/**
 * Annotation cert-manager's ingress-shim reads to issue the certificate an Ingress's `tls`
 * section names, from a ClusterIssuer.
 * https://cert-manager.io/docs/usage/ingress/#supported-annotations
 */
export const CERT_MANAGER_CLUSTER_ISSUER = "cert-manager.io/cluster-issuer";

/** Port name of every container and Service: probes and the Service target it by name. */
const HTTP = "http";
/** Non-root uid/gid the containers run as, whatever the image's USER says. */
export const RUN_AS_USER = 10001;
/** Pods a rolling update adds above the desired count (maxSurge). */
export const ROLLING_SURGE = 1;

export interface Resources {
  /** CPU request and limit: `250m`, `1`. */
  readonly cpu: string;
  /** Memory request and limit: `256Mi`, `1Gi`. */
  readonly memory: string;
}

export interface Autoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuPercent: number;
}

/** What one service's objects are made from. */
export interface ServiceWorkload<V extends Input<string> = string> {
  /** Service name: names the Deployment, Service, Ingress, ServiceAccount, ConfigMap and Secret. */
  readonly name: string;
  readonly port: number;
  readonly healthCheckPath: string;
  /** `<registry>@sha256:<digest>`: what the pods run until CI sets the next release. */
  readonly image: V;
  /** Pods without autoscaling. */
  readonly replicas: number;
  readonly resources: Resources;
  /** HorizontalPodAutoscaler bounds; the Deployment then leaves `replicas` to it. */
  readonly autoscaling?: Autoscaling;
  readonly readOnlyRootFilesystem: boolean;
  /**
   * Reached over HTTP (Service, Ingress, probes on `healthCheckPath`). A worker (`false`) gets
   * none of them; a new pod counts as available after running 10 s. @default true
   */
  readonly public?: boolean;
  /** Non-secret settings: the ConfigMap, as environment variables. */
  readonly config: Readonly<Record<string, string>>;
  /** Secret settings (from Pulumi secrets only): the Secret, as environment variables. */
  readonly secrets: Readonly<Record<string, V>>;
}

/** Where and how an environment publishes its services. */
export interface Placement {
  readonly team: string;
  readonly environment: string;
  readonly namespace: string;
  /** Node architecture: the pods are pinned to it (the image is built for one). */
  readonly architecture: "amd64" | "arm64";
  readonly ingressClass?: string;
  /** `<service>.<domain>` with TLS when set. */
  readonly domain?: string;
  readonly clusterIssuer: string;
}

function labels(p: Placement, service?: string): Record<string, string> {
  return {
    [LABELS.partOf]: p.team,
    [LABELS.managedBy]: "pulumi",
    [LABELS.environment]: p.environment,
    ...(service ? { [LABELS.name]: service } : {}),
  };
}

function meta(p: Placement, name: string, service?: string) {
  return { name, namespace: p.namespace, labels: labels(p, service) };
}

/** Millicores of a CPU quantity (`250m` → 250, `1.5` → 1500). */
export function millicores(cpu: string): number {
  return cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Math.round(Number(cpu) * 1000);
}

/** MiB of a memory quantity (`256Mi` → 256, `1Gi` → 1024). */
export function mebibytes(memory: string): number {
  return memory.endsWith("Gi") ? Number(memory.slice(0, -2)) * 1024 : Number(memory.slice(0, -2));
}

/** Most pods a service can have at once: its ceiling plus the rolling update's surge. */
export function peakPods(w: Pick<ServiceWorkload, "replicas" | "autoscaling">): number {
  return (w.autoscaling?.maxReplicas ?? w.replicas) + ROLLING_SURGE;
}

// ---------------------------------------------------------------------------------------------
// The namespace: quota and network isolation.

/**
 * The namespace, enforcing the `restricted` Pod Security Standard: a pod that is privileged,
 * runs as root, keeps capabilities or escalates privileges is refused at admission, whatever
 * created it. https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export function namespaceManifest(p: Placement): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: p.namespace,
      labels: {
        ...labels(p),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

/**
 * A quota sized for every service at its peak (ceiling plus one surge pod during a rollout):
 * a runaway autoscaler or a stuck rollout cannot take more of the cluster than planned.
 * A compute quota also makes the API refuse any pod without requests and limits.
 * https://kubernetes.io/docs/concepts/policy/resource-quotas/#compute-resource-quota
 */
export function resourceQuotaManifest(
  p: Placement,
  workloads: readonly Pick<ServiceWorkload, "replicas" | "autoscaling" | "resources">[],
): KubeObject {
  let pods = 0;
  let cpu = 0;
  let memory = 0;
  for (const w of workloads) {
    const peak = peakPods(w);
    pods += peak;
    cpu += peak * millicores(w.resources.cpu);
    memory += peak * mebibytes(w.resources.memory);
  }
  const hard: Record<string, string> = {
    pods: String(pods),
    "requests.cpu": `${cpu}m`,
    "limits.cpu": `${cpu}m`,
    "requests.memory": `${memory}Mi`,
    "limits.memory": `${memory}Mi`,
    services: String(workloads.length),
    "services.loadbalancers": "0",
    "services.nodeports": "0",
  };
  const spec: types.input.core.v1.ResourceQuotaSpec = { hard };
  return { apiVersion: "v1", kind: "ResourceQuota", metadata: meta(p, "quota"), spec };
}

/**
 * Default deny for every pod's ingress, then one allowance: the ingress controller's namespace,
 * on the services' ports. Pods of the namespace cannot reach each other either. Egress stays open
 * (DNS, the registry, a team's databases); a cluster whose CNI ignores NetworkPolicy (plain
 * kubenet, or EKS's VPC CNI without its network policy agent enabled) enforces none of this.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
 */
export function networkPolicyManifests(
  p: Placement,
  ingressNamespace: string,
  ports: readonly number[],
): KubeObject[] {
  const denyAll: types.input.networking.v1.NetworkPolicySpec = { podSelector: {}, policyTypes: ["Ingress"] };
  const admitController: types.input.networking.v1.NetworkPolicySpec = {
    podSelector: {},
    policyTypes: ["Ingress"],
    ingress: [
      {
        // Every namespace carries this label, set by the API server (Kubernetes 1.22+).
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ingressNamespace } } }],
        ports: [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ protocol: "TCP", port })),
      },
    ],
  };
  return [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(p, "default-deny-ingress"),
      spec: denyAll,
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(p, "allow-ingress-controller"),
      spec: admitController,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// One service.

/** The pod template's security settings: what the `restricted` Pod Security Standard requires. */
function podSecurity(): types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    fsGroup: RUN_AS_USER,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function containerSecurity(readOnlyRootFilesystem: boolean): types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"] },
  };
}

/**
 * The Deployment. Rolling update with maxUnavailable 0: a new pod must pass its readiness probe
 * before an old one stops, so a release that never becomes ready leaves the old one serving.
 * `revisionHistoryLimit` keeps the ReplicaSets `kubectl rollout undo` returns to.
 */
export function deploymentManifest<V extends Input<string>>(p: Placement, w: ServiceWorkload<V>): KubeObject {
  const selector = { [LABELS.name]: w.name, [LABELS.partOf]: p.team };
  const probe = (periodSeconds: number, failureThreshold: number): types.input.core.v1.Probe => ({
    httpGet: { path: w.healthCheckPath, port: HTTP },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const http = w.public !== false;
  const spec: types.input.apps.v1.DeploymentSpec = {
    // A worker has no endpoint to be ready on: it must keep running 10 s to count as available.
    ...(http ? {} : { minReadySeconds: 10 }),
    // With an autoscaler the replica count is its to set: owning it here would fight it.
    ...(w.autoscaling ? {} : { replicas: w.replicas }),
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    selector: { matchLabels: selector },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: ROLLING_SURGE } },
    template: {
      metadata: { labels: { ...labels(p, w.name), ...selector } },
      spec: {
        serviceAccountName: w.name,
        // The services call no Kubernetes API: no token in the pod.
        automountServiceAccountToken: false,
        securityContext: podSecurity(),
        nodeSelector: { "kubernetes.io/arch": p.architecture, "kubernetes.io/os": "linux" },
        // Replicas on different nodes where the cluster has them: a node loss keeps one serving.
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: selector },
          },
        ],
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: w.name,
            image: w.image,
            imagePullPolicy: "IfNotPresent",
            ...(http ? { ports: [{ name: HTTP, containerPort: w.port, protocol: "TCP" }] } : {}),
            envFrom: [{ configMapRef: { name: w.name } }, { secretRef: { name: w.name } }],
            resources: {
              requests: { cpu: w.resources.cpu, memory: w.resources.memory },
              limits: { cpu: w.resources.cpu, memory: w.resources.memory },
            },
            // Ready within seconds of answering; restarted only after 30 s of silence.
            ...(http
              ? { readinessProbe: probe(5, 3), livenessProbe: { ...probe(10, 3), initialDelaySeconds: 10 } }
              : {}),
            securityContext: containerSecurity(w.readOnlyRootFilesystem),
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
      },
    },
  };
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: meta(p, w.name, w.name), spec };
}

export function serviceManifest(p: Placement, w: Pick<ServiceWorkload, "name">): KubeObject {
  const spec: types.input.core.v1.ServiceSpec = {
    type: "ClusterIP",
    selector: { [LABELS.name]: w.name, [LABELS.partOf]: p.team },
    ports: [{ name: HTTP, port: 80, targetPort: HTTP, protocol: "TCP" }],
  };
  return { apiVersion: "v1", kind: "Service", metadata: meta(p, w.name, w.name), spec };
}

/** Host a service is published at: `<service>.<domain>`, or none (any host) without a domain. */
export function serviceHost(p: Pick<Placement, "domain">, name: string): string | undefined {
  return p.domain ? `${name}.${p.domain}` : undefined;
}

/**
 * The Ingress. With a domain: one host and a `tls` section whose certificate cert-manager issues
 * into `<service>-tls` from the ClusterIssuer the annotation names. Without: any host, HTTP.
 */
export function ingressManifest(p: Placement, w: Pick<ServiceWorkload, "name">, name = w.name): KubeObject {
  const host = serviceHost(p, name);
  const spec: types.input.networking.v1.IngressSpec = {
    ...(p.ingressClass ? { ingressClassName: p.ingressClass } : {}),
    ...(host ? { tls: [{ hosts: [host], secretName: `${name}-tls` }] } : {}),
    rules: [
      {
        ...(host ? { host } : {}),
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { name: HTTP } } } }],
        },
      },
    ],
  };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      ...meta(p, name, w.name),
      ...(host ? { annotations: { [CERT_MANAGER_CLUSTER_ISSUER]: p.clusterIssuer } } : {}),
    },
    spec,
  };
}

/**
 * At least one pod stays through voluntary disruptions (node drains, upgrades) when there are
 * two or more; a single pod may be evicted (a PDB that blocks every drain is worse).
 */
export function podDisruptionBudgetManifest(
  p: Placement,
  w: Pick<ServiceWorkload, "name" | "replicas" | "autoscaling">,
): KubeObject {
  const least = w.autoscaling?.minReplicas ?? w.replicas;
  const spec: types.input.policy.v1.PodDisruptionBudgetSpec = {
    ...(least >= 2 ? { minAvailable: 1 } : { maxUnavailable: 1 }),
    selector: { matchLabels: { [LABELS.name]: w.name, [LABELS.partOf]: p.team } },
  };
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(p, w.name, w.name),
    spec,
  };
}

/** autoscaling/v2 on CPU utilisation (needs metrics-server in the cluster). */
export function horizontalPodAutoscalerManifest(
  p: Placement,
  w: Pick<ServiceWorkload, "name"> & { readonly autoscaling: Autoscaling },
): KubeObject {
  const spec: types.input.autoscaling.v2.HorizontalPodAutoscalerSpec = {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.name },
    minReplicas: w.autoscaling.minReplicas,
    maxReplicas: w.autoscaling.maxReplicas,
    metrics: [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: w.autoscaling.targetCpuPercent },
        },
      },
    ],
  };
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(p, w.name, w.name),
    spec,
  };
}

export function serviceAccountManifest(p: Placement, name: string, service?: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(p, name, service),
    automountServiceAccountToken: false,
  };
}

export function configMapManifest(p: Placement, w: Pick<ServiceWorkload, "name" | "config">): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(p, w.name, w.name), data: { ...w.config } };
}

/** The service's Secret: `stringData` from Pulumi secrets (the component wraps them). */
export function secretManifest<V extends Input<string>>(
  p: Placement,
  w: Pick<ServiceWorkload<V>, "name" | "secrets">,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(p, w.name, w.name),
    type: "Opaque",
    stringData: { ...w.secrets },
  };
}

/** Every object of one service, in creation order. */
export function serviceManifests<V extends Input<string>>(p: Placement, w: ServiceWorkload<V>): KubeObject[] {
  return [
    serviceAccountManifest(p, w.name, w.name),
    configMapManifest(p, w),
    secretManifest(p, w),
    deploymentManifest(p, w),
    ...(w.public !== false ? [serviceManifest(p, w), ingressManifest(p, w)] : []),
    podDisruptionBudgetManifest(p, w),
    ...(w.autoscaling
      ? [horizontalPodAutoscalerManifest(p, { name: w.name, autoscaling: w.autoscaling })]
      : []),
  ];
}

/** The namespace-level objects of an environment. */
export function namespaceManifests(
  p: Placement,
  ingressNamespace: string,
  workloads: readonly Pick<ServiceWorkload, "port" | "replicas" | "autoscaling" | "resources" | "public">[],
): KubeObject[] {
  return [
    namespaceManifest(p),
    resourceQuotaManifest(p, workloads),
    ...networkPolicyManifests(
      p,
      ingressNamespace,
      workloads.filter((w) => w.public !== false).map((w) => w.port),
    ),
  ];
}

/**
 * An image reference the cluster may run: the team's registry, pinned by digest. Returns the
 * problem, or undefined.
 */
export function imageProblem(image: string, registryUrl: string): string | undefined {
  const match = /^(.+)@sha256:[0-9a-f]{64}$/.exec(image);
  if (!match) return `${JSON.stringify(image)} is not pinned by digest (<registry>@sha256:<64 hex>)`;
  if (match[1] !== registryUrl)
    return `${JSON.stringify(image)} is not from the service's registry ${registryUrl}`;
  return undefined;
}
