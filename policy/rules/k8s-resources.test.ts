import { k8sResources as rule } from "./k8s-resources";
import { messages } from "../testing";
import { container, deployment, deploymentInputs } from "./k8s-test-fixtures";

describe(rule.id, () => {
  it("passes the Deployment the Kubernetes runtime generates", () => {
    expect(messages(rule, [deployment(deploymentInputs())])).toEqual([]);
  });
  it("fires on missing requests or limits", () => {
    const d = deploymentInputs();
    container(d).resources = { requests: { cpu: "100m" } };
    expect(messages(rule, [deployment(d)])).toEqual([
      "containers[0] (cart-api): resources.requests has no memory",
      "containers[0] (cart-api): resources.limits has no cpu or memory",
    ]);
    delete container(d).resources;
    expect(messages(rule, [deployment(d)])).toHaveLength(2);
  });
});
