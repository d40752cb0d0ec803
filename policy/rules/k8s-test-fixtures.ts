/* eslint-disable @typescript-eslint/no-explicit-any -- test fixtures break the inputs freely */
/** A Deployment as the Kubernetes runtime generates it, for the k8s-* rule tests. */
import { deploymentManifest } from "../../components/kubernetes/manifests";
import { res } from "../testing";
import { K8S_WORKLOADS } from "./kubernetes-workloads";

export const TEAM_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api@sha256:${"ab".repeat(32)}`;

/** The generated Deployment's inputs, deep-copied so a test may break them. */
export function deploymentInputs(): any {
  return structuredClone(
    deploymentManifest(
      {
        team: "checkout",
        environment: "staging",
        namespace: "checkout-staging",
        architecture: "amd64",
        clusterIssuer: "x",
      },
      {
        name: "cart-api",
        port: 8080,
        healthCheckPath: "/healthz",
        image: TEAM_IMAGE,
        replicas: 2,
        resources: { cpu: "250m", memory: "256Mi" },
        readOnlyRootFilesystem: true,
        config: {},
        secrets: {},
      },
    ),
  );
}

export const deployment = (inputs: any) => res(K8S_WORKLOADS.deployment, inputs, { stack: "staging" });
export const container = (inputs: any) => inputs.spec.template.spec.containers[0];
