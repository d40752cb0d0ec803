import { k8sProbes as rule } from "./k8s-probes";
import { messages } from "../testing";
import { container, deployment, deploymentInputs } from "./k8s-test-fixtures";

describe(rule.id, () => {
  it("passes the Deployment the Kubernetes runtime generates, and probes not known yet", () => {
    expect(messages(rule, [deployment(deploymentInputs())])).toEqual([]);
    const d = deploymentInputs();
    container(d).livenessProbe = "[unknown]";
    expect(messages(rule, [deployment(d)])).toEqual([]);
  });
  it("fires on a container without readiness or liveness probe (init containers need none)", () => {
    const d = deploymentInputs();
    delete container(d).readinessProbe;
    delete container(d).livenessProbe;
    d.spec.template.spec.initContainers = [{ name: "migrate", image: "x" }];
    expect(messages(rule, [deployment(d)])).toEqual([
      "containers[0] (cart-api): has no readinessProbe",
      "containers[0] (cart-api): has no livenessProbe",
    ]);
  });
});
