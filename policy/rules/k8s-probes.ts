/**
 * k8s-probes — without a readiness probe a rolling update sends traffic to pods that do not
 * answer yet, and `maxUnavailable: 0` protects nothing; without a liveness probe a hung process
 * keeps its pod forever. Every long-running container has both. Mirrors checkov CKV_K8S_8 and
 * CKV_K8S_9. A container without ports (a worker) has nothing to probe and is not judged. Mandatory.
 */
import type { ResourceRule } from "../types";
import { containersOf, K8S_WORKLOADS } from "./kubernetes-workloads";
import { arr, isUnknown, obj } from "./util";

/** Jobs run to completion: probes do not apply to them. */
const LONG_RUNNING = [
  K8S_WORKLOADS.pod,
  K8S_WORKLOADS.deployment,
  K8S_WORKLOADS.statefulSet,
  K8S_WORKLOADS.daemonSet,
  K8S_WORKLOADS.replicaSet,
];

export const k8sProbes: ResourceRule = {
  kind: "resource",
  id: "k8s-probes",
  description: "Every long-running container has a readiness and a liveness probe.",
  mirrors: "checkov CKV_K8S_8, CKV_K8S_9",
  level: "mandatory",
  types: LONG_RUNNING,
  check(r) {
    return (
      containersOf(r)
        // A worker without ports serves nothing to probe (minReadySeconds paces its rollout).
        .filter((c) => !c.init && arr(c.container.ports).length > 0)
        .flatMap(({ where, container }) =>
          (["readinessProbe", "livenessProbe"] as const)
            .filter((probe) => !isUnknown(container[probe]) && !obj(container[probe]))
            .map((probe) => `${where}: has no ${probe}`),
        )
    );
  },
};
