/**
 * Pull-request previews on Kubernetes, as data. All of a team's previews share one namespace
 * (`<team>-previews`), each preview's objects named `pr-<number>-<service>`: a namespace per pull
 * request would need CI to create and delete namespaces cluster-wide, and RBAC cannot restrict
 * `create` or `delete` of namespaces to a name pattern (resourceNames never matches create).
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 *
 * The namespace, its quota (the preview limit made physical: the API refuses a pod beyond it),
 * its network policies and the preview deployer's Role are created by Pulumi; the preview
 * workflow applies {@link previewManifests} with kubectl and removes them by label.
 */
import type { types } from "@pulumi/kubernetes";
import {
  deploymentManifest,
  ingressManifest,
  LABELS,
  namespaceManifest,
  networkPolicyManifests,
  resourceQuotaManifest,
  serviceManifest,
  type KubeObject,
  type Placement,
  type Resources,
} from "./manifests";

/** Annotation holding when a preview expires (ISO 8601, UTC); every push moves it. */
export const PREVIEW_EXPIRES_AT = "delivery-workflow/expires-at";

/** Resources of a preview's single pod. */
export const PREVIEW_RESOURCES: Resources = { cpu: "100m", memory: "128Mi" };

/** Name of a preview's objects: `pr-<number>-<service>`. */
export function previewName(pr: number, service: string): string {
  return `pr-${pr}-${service}`;
}

export interface PreviewNamespaceArgs {
  readonly placement: Placement;
  readonly ingressNamespace: string;
  readonly services: readonly { readonly name: string; readonly port: number }[];
  /** Previews per service at most (the team's preview limit). */
  readonly limit: number;
}

/** The previews namespace: quota for `limit` previews of every service, default-deny networking. */
export function previewNamespaceManifests(a: PreviewNamespaceArgs): KubeObject[] {
  // One pod per preview plus its rolling-update surge, `limit` previews of each service.
  const perPreview = { replicas: 1, resources: PREVIEW_RESOURCES };
  const workloads = a.services.flatMap(() => Array.from({ length: a.limit }, () => perPreview));
  const quota = resourceQuotaManifest(a.placement, workloads);
  const hard = (quota.spec as { hard: Record<string, string> }).hard;
  return [
    namespaceManifest(a.placement),
    { ...quota, spec: { hard: { ...hard, services: String(a.services.length * a.limit) } } },
    ...networkPolicyManifests(
      a.placement,
      a.ingressNamespace,
      a.services.map((s) => s.port),
    ),
  ];
}

export interface PreviewArgs {
  readonly placement: Placement;
  readonly pr: number;
  readonly service: { readonly name: string; readonly port: number; readonly healthCheckPath: string };
  /** `<registry>@sha256:<digest>` of the pull request's build. */
  readonly image: string;
  /** The integration environment's non-secret settings; `PREVIEW=true` is added. */
  readonly config: Readonly<Record<string, string>>;
  /** Now, and how long an idle preview lives. */
  readonly now: Date;
  readonly ttlHours: number;
}

/**
 * A preview's objects: one pod (no autoscaler, no disruption budget: a preview may blink),
 * its Service and Ingress (`pr-<n>-<service>.<domain>`, TLS when the placement has a domain),
 * and a ConfigMap. No Secret: previews never get secret settings.
 */
export function previewManifests(a: PreviewArgs): KubeObject[] {
  return previewObjects(a, String(a.pr), previewExpiry(a.now, a.ttlHours), a.image);
}

/**
 * When a preview deployed at `now` expires: ISO 8601 UTC to the second (`2026-12-06T10:00:00Z`),
 * the form `date -u +%Y-%m-%dT%H:%M:%SZ` writes, so the sweep compares them as strings.
 */
export function previewExpiry(now: Date, ttlHours: number): string {
  return new Date(now.getTime() + ttlHours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * What the preview step fills in at run time in a {@link previewTemplate}: the pull request's
 * number, its image (`<registry>@sha256:<digest>`) and the expiry ({@link previewExpiry} of now).
 * Each appears only inside string values; scripts/kubernetes-preview.sh replaces them.
 */
export const PREVIEW_TEMPLATE_TOKENS = {
  pr: "__PR_NUMBER__",
  image: "__IMAGE__",
  expiresAt: "__EXPIRES_AT__",
} as const;

export type PreviewTemplateArgs = Omit<PreviewArgs, "pr" | "image" | "now" | "ttlHours">;

/**
 * A service's preview objects with the run-time values as {@link PREVIEW_TEMPLATE_TOKENS}: the
 * preview workflow carries this (rendered when the workflow is generated) and the step replaces
 * the tokens, so what is applied is exactly {@link previewManifests}' output.
 */
export function previewTemplate(a: PreviewTemplateArgs): KubeObject[] {
  const t = PREVIEW_TEMPLATE_TOKENS;
  return previewObjects(a, t.pr, t.expiresAt, t.image);
}

/**
 * The resource types of a preview's objects, as kubectl names them (`deployment.apps`,
 * `ingress.networking.k8s.io`, `service`): what removing a preview deletes by label.
 */
export function previewResourceTypes(objects: readonly KubeObject[]): string[] {
  const types = objects.map((o) => {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    return `${o.kind.toLowerCase()}${group ? `.${group}` : ""}`;
  });
  return [...new Set(types)].sort();
}

function previewObjects(a: PreviewTemplateArgs, pr: string, expires: string, image: string): KubeObject[] {
  const name = `pr-${pr}-${a.service.name}`;
  const mark = (o: KubeObject): KubeObject => ({
    ...o,
    metadata: {
      ...o.metadata,
      name,
      labels: { ...o.metadata.labels, [LABELS.preview]: pr },
      annotations: { ...o.metadata.annotations, [PREVIEW_EXPIRES_AT]: expires },
    },
  });
  const deployment = deploymentManifest(a.placement, {
    name: a.service.name,
    port: a.service.port,
    healthCheckPath: a.service.healthCheckPath,
    image,
    replicas: 1,
    resources: PREVIEW_RESOURCES,
    readOnlyRootFilesystem: true,
    config: {},
    secrets: {},
  });
  // The preview's own selector, ConfigMap and ServiceAccount-less pod (the default one, no token).
  const spec = deployment.spec as types.input.apps.v1.DeploymentSpec;
  const selector = { [LABELS.name]: a.service.name, [LABELS.preview]: pr };
  const template = spec.template as types.input.core.v1.PodTemplateSpec;
  const podSpec = { ...(template.spec as types.input.core.v1.PodSpec) };
  delete podSpec.serviceAccountName;
  podSpec.containers = (podSpec.containers as types.input.core.v1.Container[]).map((c) => ({
    ...c,
    envFrom: [{ configMapRef: { name } }],
  }));
  const service = serviceManifest(a.placement, { name: a.service.name });
  return [
    mark({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: a.placement.namespace, labels: deployment.metadata.labels },
      data: { ...a.config, PREVIEW: "true" },
    }),
    mark({
      ...deployment,
      spec: {
        ...spec,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...(template.metadata as { labels: Record<string, string> }).labels, ...selector },
          },
          spec: podSpec,
        },
      },
    }),
    mark({ ...service, spec: { ...(service.spec as object), selector } }),
    mark(ingressManifest(a.placement, { name: a.service.name }, name)),
  ];
}

/** Whether a preview (any of its objects) has passed its expiry. */
export function previewExpired(object: KubeObject, now: Date): boolean {
  const at = object.metadata.annotations?.[PREVIEW_EXPIRES_AT];
  return at !== undefined && Date.parse(at) <= now.getTime();
}

/**
 * Whether pull request `pr` may get a preview of `service`, given the previews' Deployments that
 * exist: an existing preview is always updated; a new one only below the limit.
 */
export function previewAdmission(
  existing: readonly KubeObject[],
  service: string,
  pr: number,
  limit: number,
): { readonly admitted: true } | { readonly admitted: false; readonly message: string } {
  const ofService = existing.filter(
    (o) =>
      o.kind === "Deployment" &&
      o.metadata.labels?.[LABELS.name] === service &&
      o.metadata.labels?.[LABELS.preview],
  );
  if (ofService.some((o) => o.metadata.labels?.[LABELS.preview] === String(pr))) return { admitted: true };
  if (ofService.length < limit) return { admitted: true };
  const open = ofService.map((o) => `#${o.metadata.labels?.[LABELS.preview]}`).join(", ");
  return {
    admitted: false,
    message: `${service} already has ${ofService.length} previews (the limit is ${limit}: ${open}); close one of them or wait for the sweep`,
  };
}
