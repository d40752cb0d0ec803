/**
 * The Kubernetes runtime of an environment stack: what replaces the server when the environment
 * says `runtime: kubernetes`. The release parameters, the deploy role and the GitHub environment
 * stay in environment.ts; this adds the cluster's objects and the variables CI needs to reach it.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "./config";
import type { SharedAwsOutputs } from "../components/aws";
import { ENVIRONMENT_SECRETS, ENVIRONMENT_VARIABLES } from "../components/release";
import {
  environmentNamespace,
  kubernetesServiceSettings,
  previewsNamespace,
  type EnvironmentSpec,
  type KubernetesRuntimeSpec,
} from "../components/team";

export interface KubernetesRuntime {
  readonly publicUrls: Record<string, string | undefined>;
  /** GitHub environment variables CI's deploy and rollback steps read. */
  readonly variables: Record<string, pulumi.Input<string> | undefined>;
  /** GitHub environment secrets (off EKS: the deployer token). */
  readonly secrets: Record<string, pulumi.Input<string> | undefined>;
  /**
   * When this cluster hosts previews: the `preview` GitHub environment's variables (the previews
   * namespace and how to reach the cluster) and secrets (off EKS: the preview deployer's token).
   */
  readonly previews?: {
    readonly variables: Record<string, pulumi.Input<string> | undefined>;
    readonly secrets: Record<string, pulumi.Input<string> | undefined>;
  };
}

export function kubernetesRuntime(
  ctx: StackContext,
  environment: EnvironmentSpec & { readonly kubernetes: KubernetesRuntimeSpec },
  aws: { readonly provider: aws.Provider; readonly shared: pulumi.Output<SharedAwsOutputs> },
  deployRoleArns: Readonly<Record<string, pulumi.Input<string>>>,
  /** EKS, when this cluster hosts previews: the per-repository preview roles, by service. */
  previewRoleArns?: Readonly<Record<string, pulumi.Input<string>>>,
): KubernetesRuntime {
  const team = ctx.spec.name;
  const k = environment.kubernetes;
  const namespace = environmentNamespace(team, environment.name);
  // Loaded only for an environment on a cluster: @pulumi/kubernetes alone took 0.2 s of a
  // 1.7 s plan of a team whose environments all run on servers.
  const { KubernetesEnvironment } =
    require("../components/kubernetes/environment") as typeof import("../components/kubernetes/environment");
  const cluster = new KubernetesEnvironment(`${team}-${environment.name}`, {
    team,
    environment: environment.name,
    namespace,
    cluster: k.eks
      ? { kind: "eks", clusterName: k.eks.clusterName, region: ctx.spec.aws.region }
      : { kind: "kubeconfig", kubeconfig: ctx.secrets.kubeconfig!, configKey: k.kubeconfig! },
    awsProvider: aws.provider,
    architecture: k.architecture,
    ingressClass: k.ingressClass,
    ingressNamespace: k.ingressNamespace,
    domain: environment.domain,
    clusterIssuer: k.clusterIssuer,
    services: ctx.spec.services.map((s) => {
      const settings = kubernetesServiceSettings(k, s.name);
      return {
        name: s.name,
        port: s.port,
        healthCheckPath: s.healthCheckPath,
        registryUrl: aws.shared.apply((a) => a.registries[s.name].url),
        // Validation requires release.bootstrapImage on Kubernetes: a Deployment needs an image.
        image: aws.shared.apply((a) => a.bootstrapImages?.[s.name] ?? ""),
        replicas: settings.replicas,
        resources: settings.resources,
        autoscaling: settings.autoscaling,
        readOnlyRootFilesystem: settings.readOnlyRootFilesystem,
        public: s.public,
        config: {
          ...(s.env[environment.name] ?? {}),
          PORT: String(s.port),
          SERVICE: s.name,
          ENVIRONMENT: environment.name,
        },
        secrets: ctx.secrets.serviceSecrets[s.name] ?? {},
      };
    }),
    deployRoleArns: k.eks ? deployRoleArns : undefined,
    previews: k.previews
      ? {
          namespace: previewsNamespace(team),
          limit: ctx.spec.previews.maxPerService,
          previewRoleArns: k.eks ? previewRoleArns : undefined,
        }
      : undefined,
  });
  return {
    publicUrls: cluster.publicUrls,
    variables: {
      [ENVIRONMENT_VARIABLES.kubernetesNamespace]: namespace,
      [ENVIRONMENT_VARIABLES.kubernetesApiServer]: cluster.apiServer,
      [ENVIRONMENT_VARIABLES.kubernetesCaData]: cluster.caData,
      [ENVIRONMENT_VARIABLES.eksClusterName]: k.eks?.clusterName,
    },
    secrets: { [ENVIRONMENT_SECRETS.kubernetesToken]: cluster.deployToken },
    previews: k.previews
      ? {
          variables: {
            [ENVIRONMENT_VARIABLES.kubernetesNamespace]: previewsNamespace(team),
            [ENVIRONMENT_VARIABLES.kubernetesApiServer]: cluster.apiServer,
            [ENVIRONMENT_VARIABLES.kubernetesCaData]: cluster.caData,
            [ENVIRONMENT_VARIABLES.eksClusterName]: k.eks?.clusterName,
          },
          secrets: { [ENVIRONMENT_SECRETS.kubernetesToken]: cluster.previewToken },
        }
      : undefined,
  };
}
