/**
 * How the program and CI reach a cluster, as data: a kubeconfig for an EKS cluster (credentials
 * from the AWS CLI, no long-lived token), and the API server and CA of a kubeconfig a team holds
 * as a stack secret.
 */
import { parse } from "yaml";

export interface EksCluster {
  readonly name: string;
  readonly region: string;
  /** `https://…eks.amazonaws.com` from DescribeCluster. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, from DescribeCluster. */
  readonly certificateAuthorityData: string;
}

/**
 * A kubeconfig whose user runs `aws eks get-token` (the same exec plugin `aws eks
 * update-kubeconfig` writes): the token is a presigned STS GetCallerIdentity URL for the caller's
 * IAM identity, valid 15 minutes, so nothing secret is stored. The machine running `pulumi up`
 * needs the AWS CLI v2 on its PATH.
 * https://docs.aws.amazon.com/cli/latest/reference/eks/get-token.html
 */
export function eksKubeconfig(c: EksCluster): string {
  const context = `eks-${c.name}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: context,
        cluster: { server: c.endpoint, "certificate-authority-data": c.certificateAuthorityData },
      },
    ],
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", c.name, "--region", c.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
  });
}

export interface ClusterEndpoint {
  readonly server: string;
  /** Base64 PEM, when the kubeconfig embeds it. */
  readonly certificateAuthorityData?: string;
}

/**
 * The API server (and CA) of a kubeconfig's current context: what CI needs beside its token.
 * Throws naming what is missing; the message never contains the kubeconfig (it is a secret).
 */
export function kubeconfigEndpoint(kubeconfig: string, key: string): ClusterEndpoint {
  /* eslint-disable @typescript-eslint/no-explicit-any -- a user's YAML, read defensively */
  let doc: any;
  try {
    doc = parse(kubeconfig);
  } catch {
    throw new Error(`stack secret ${key}: is not a kubeconfig (not YAML or JSON)`);
  }
  const contexts: any[] = Array.isArray(doc?.contexts) ? doc.contexts : [];
  const clusters: any[] = Array.isArray(doc?.clusters) ? doc.clusters : [];
  const current = doc?.["current-context"];
  const context =
    contexts.find((c) => c?.name === current) ?? (contexts.length === 1 ? contexts[0] : undefined);
  const clusterName = context?.context?.cluster ?? (clusters.length === 1 ? clusters[0]?.name : undefined);
  const cluster = clusters.find((c) => c?.name === clusterName)?.cluster;
  const server = cluster?.server;
  if (typeof server !== "string" || !/^https:\/\//.test(server)) {
    throw new Error(
      `stack secret ${key}: its current context names no cluster with an https server (set current-context)`,
    );
  }
  const ca = cluster["certificate-authority-data"];
  /* eslint-enable @typescript-eslint/no-explicit-any */
  return { server, ...(typeof ca === "string" ? { certificateAuthorityData: ca } : {}) };
}

/**
 * EKS admits access entries only when the cluster's authentication mode includes the API.
 * https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html
 */
export function accessEntriesProblem(
  clusterName: string,
  authenticationMode: string | undefined,
): string | undefined {
  if (authenticationMode === "API" || authenticationMode === "API_AND_CONFIG_MAP") return undefined;
  return `EKS cluster ${clusterName} has authentication mode ${authenticationMode ?? "(unknown)"}: access entries need API or API_AND_CONFIG_MAP (aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP)`;
}
