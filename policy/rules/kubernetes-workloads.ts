/**
 * Readers shared by the Kubernetes rules: the workload types that carry a pod template, and the
 * containers of each (init containers included: they run with the same privileges).
 */
import type { CheckedResource } from "../types";
import { arr, isUnknown, obj, str } from "./util";

/** Type tokens of the objects that run pods, as the engine sees them. */
export const K8S_WORKLOADS = {
  pod: "kubernetes:core/v1:Pod",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  replicaSet: "kubernetes:apps/v1:ReplicaSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
} as const;
export const K8S_WORKLOAD_TYPES: readonly string[] = Object.values(K8S_WORKLOADS);

/** The pod spec of a workload, or undefined when it is not known yet. */
export function podSpecOf(r: CheckedResource): Record<string, unknown> | undefined {
  const spec = obj(r.inputs.spec);
  if (r.type === K8S_WORKLOADS.pod) return spec;
  if (r.type === K8S_WORKLOADS.cronJob) {
    return obj(obj(obj(obj(obj(spec?.jobTemplate)?.spec)?.template)?.spec));
  }
  return obj(obj(spec?.template)?.spec);
}

export interface ContainerView {
  /** `containers[0]` or `initContainers[0]`, named: `containers[0] (cart-api)`. */
  readonly where: string;
  readonly init: boolean;
  readonly container: Record<string, unknown>;
}

export function containersOf(r: CheckedResource): ContainerView[] {
  const pod = podSpecOf(r);
  if (!pod) return [];
  const list = (key: "containers" | "initContainers") =>
    arr(pod[key]).flatMap((c, i) => {
      const container = obj(c);
      if (!container) return [];
      const name = str(container.name);
      return [
        { where: `${key}[${i}]${name ? ` (${name})` : ""}`, init: key === "initContainers", container },
      ];
    });
  return [...list("initContainers"), ...list("containers")];
}

export const known = (v: unknown): boolean => v !== undefined && !isUnknown(v);
