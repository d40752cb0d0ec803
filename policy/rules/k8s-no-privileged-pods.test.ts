import { k8sNoPrivilegedPods as rule } from "./k8s-no-privileged-pods";
import { messages, res } from "../testing";
import { container, deployment, deploymentInputs } from "./k8s-test-fixtures";
import { K8S_WORKLOADS } from "./kubernetes-workloads";

describe(rule.id, () => {
  it("passes the Deployment the Kubernetes runtime generates", () => {
    expect(messages(rule, [deployment(deploymentInputs())])).toEqual([]);
  });
  it("fires on a privileged container, escalation, root, kept capabilities and no seccomp", () => {
    const d = deploymentInputs();
    container(d).securityContext = { privileged: true, capabilities: { add: ["SYS_ADMIN"] } };
    delete d.spec.template.spec.securityContext;
    d.spec.template.spec.hostNetwork = true;
    expect(messages(rule, [deployment(d)])).toEqual([
      "pod spec sets hostNetwork: true",
      "containers[0] (cart-api): securityContext.privileged is true",
      "containers[0] (cart-api): securityContext.allowPrivilegeEscalation is unset; set false",
      "containers[0] (cart-api): may run as root; set runAsNonRoot: true (pod or container)",
      'containers[0] (cart-api): capabilities.drop does not include "ALL"',
      'containers[0] (cart-api): adds capabilities ["SYS_ADMIN"]',
      "containers[0] (cart-api): seccompProfile.type is unset; set RuntimeDefault (pod or container)",
    ]);
  });
  it("judges init containers and bare pods too; a container may not undo the pod's runAsNonRoot", () => {
    const d = deploymentInputs();
    d.spec.template.spec.initContainers = [
      { name: "migrate", image: "x", securityContext: { runAsNonRoot: false } },
    ];
    const found = messages(rule, [deployment(d)]);
    expect(found).toContain(
      "initContainers[0] (migrate): may run as root; set runAsNonRoot: true (pod or container)",
    );
    const pod = res(K8S_WORKLOADS.pod, {
      spec: { containers: [{ name: "p", securityContext: { runAsUser: 0 } }] },
    });
    expect(messages(rule, [pod])).toContain("containers[0] (p): securityContext.runAsUser is 0 (root)");
  });
});
