/**
 * k8s-resources — a container without requests is scheduled blind and one without limits can
 * starve its neighbours; a namespace quota refuses such pods at admission anyway, so the miss
 * shows at deploy time instead. Every container sets CPU and memory requests and limits. Mirrors
 * checkov CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13. Mandatory.
 */
import type { ResourceRule } from "../types";
import { containersOf, K8S_WORKLOAD_TYPES } from "./kubernetes-workloads";
import { isUnknown, obj } from "./util";

export const k8sResources: ResourceRule = {
  kind: "resource",
  id: "k8s-resources",
  description: "Every container sets CPU and memory requests and limits.",
  mirrors: "checkov CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13",
  level: "mandatory",
  types: K8S_WORKLOAD_TYPES,
  check(r) {
    const problems: string[] = [];
    for (const { where, container } of containersOf(r)) {
      if (isUnknown(container.resources)) continue;
      const resources = obj(container.resources);
      for (const kind of ["requests", "limits"] as const) {
        const set = obj(resources?.[kind]);
        if (isUnknown(resources?.[kind])) continue;
        const missing = ["cpu", "memory"].filter((k) => set?.[k] === undefined);
        if (missing.length > 0) problems.push(`${where}: resources.${kind} has no ${missing.join(" or ")}`);
      }
    }
    return problems;
  },
};
