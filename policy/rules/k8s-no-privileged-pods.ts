/**
 * k8s-no-privileged-pods — a privileged container, or one that may gain privileges or run as
 * root, can take over its node and every other namespace's pods with it. Enforces what the
 * `restricted` Pod Security Standard requires of the pod's security settings (the namespace
 * enforces it too; this catches it before an apply). Mirrors checkov CKV_K8S_16, CKV_K8S_20,
 * CKV_K8S_23, CKV_K8S_28. Mandatory.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import type { ResourceRule } from "../types";
import { containersOf, K8S_WORKLOAD_TYPES, known, podSpecOf } from "./kubernetes-workloads";
import { arr, isUnknown, obj, show } from "./util";

const shown = (v: unknown) => (v === undefined ? "unset" : show(v));

export const k8sNoPrivilegedPods: ResourceRule = {
  kind: "resource",
  id: "k8s-no-privileged-pods",
  description:
    "Pods run as non-root, unprivileged, without privilege escalation, with every capability dropped and the RuntimeDefault seccomp profile.",
  mirrors: "checkov CKV_K8S_16, CKV_K8S_20, CKV_K8S_23, CKV_K8S_28; Pod Security Standard restricted",
  level: "mandatory",
  types: K8S_WORKLOAD_TYPES,
  check(r) {
    const pod = podSpecOf(r);
    if (!pod) return [];
    const problems: string[] = [];
    for (const flag of ["hostNetwork", "hostPID", "hostIPC"] as const) {
      if (pod[flag] === true) problems.push(`pod spec sets ${flag}: true`);
    }
    const podSecurity = obj(pod.securityContext) ?? {};
    const podNonRoot = podSecurity.runAsNonRoot === true;
    const podSeccomp = obj(podSecurity.seccompProfile)?.type;
    for (const { where, container } of containersOf(r)) {
      const sc = obj(container.securityContext);
      if (isUnknown(container.securityContext)) continue;
      if (sc?.privileged === true) problems.push(`${where}: securityContext.privileged is true`);
      if (sc?.allowPrivilegeEscalation !== false && !isUnknown(sc?.allowPrivilegeEscalation)) {
        problems.push(
          `${where}: securityContext.allowPrivilegeEscalation is ${shown(sc?.allowPrivilegeEscalation)}; set false`,
        );
      }
      const nonRoot = known(sc?.runAsNonRoot) ? sc?.runAsNonRoot === true : podNonRoot;
      if (!nonRoot) problems.push(`${where}: may run as root; set runAsNonRoot: true (pod or container)`);
      if (sc?.runAsUser === 0) problems.push(`${where}: securityContext.runAsUser is 0 (root)`);
      const drop = arr(obj(sc?.capabilities)?.drop);
      if (!drop.includes("ALL")) problems.push(`${where}: capabilities.drop does not include "ALL"`);
      const add = arr(obj(sc?.capabilities)?.add).filter((c) => c !== "NET_BIND_SERVICE");
      if (add.length > 0) problems.push(`${where}: adds capabilities ${show(add)}`);
      const seccomp = obj(sc?.seccompProfile)?.type ?? podSeccomp;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        problems.push(
          `${where}: seccompProfile.type is ${shown(seccomp)}; set RuntimeDefault (pod or container)`,
        );
      }
    }
    return problems;
  },
};
