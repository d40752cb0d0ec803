/**
 * An environment on an existing Kubernetes cluster: its namespace, quota and network policies,
 * every service's objects, and who may deploy. The objects are the pure manifests of
 * manifests.ts and rbac.ts; this file only wires them into `@pulumi/kubernetes` resources with an
 * explicit provider (default providers are disabled in Pulumi.yaml).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { accessEntriesProblem, eksKubeconfig, kubeconfigEndpoint } from "./cluster";
import {
  LABELS,
  imageProblem,
  namespaceManifests,
  serviceManifests,
  type Autoscaling,
  type KubeObject,
  type Placement,
  type Resources,
} from "./manifests";
import { previewNamespaceManifests } from "./previews";
import {
  DEPLOYER,
  deployerGroup,
  deployerRules,
  previewDeployerRules,
  roleBindingManifest,
  roleManifest,
  deployerServiceAccountManifest,
  serviceAccountTokenManifest,
  type PolicyRule,
  type Subject,
} from "./rbac";

/** The cluster: an EKS cluster by name, or any cluster by a kubeconfig held as a Pulumi secret. */
export type ClusterRef =
  | { readonly kind: "eks"; readonly clusterName: string; readonly region: string }
  | { readonly kind: "kubeconfig"; readonly kubeconfig: pulumi.Input<string>; readonly configKey: string };

// The manifests are typed where they are built (manifests.ts); here each is one resource's args.
type KubeResource = new (
  name: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  args: any,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;
const KINDS: Record<string, KubeResource> = {
  "v1/Namespace": k8s.core.v1.Namespace,
  "v1/ResourceQuota": k8s.core.v1.ResourceQuota,
  "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
  "v1/ConfigMap": k8s.core.v1.ConfigMap,
  "v1/Secret": k8s.core.v1.Secret,
  "v1/Service": k8s.core.v1.Service,
  "apps/v1/Deployment": k8s.apps.v1.Deployment,
  "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
  "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
  "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": k8s.autoscaling.v2.HorizontalPodAutoscaler,
  "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
};

/** The resource of a manifest, named `<prefix>-<kind>-<object name>` (stable keys, not indexes). */
function createObject(
  prefix: string,
  manifest: KubeObject,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const Kind = KINDS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Kind) throw new Error(`no resource type for ${manifest.apiVersion} ${manifest.kind}`);
  return new Kind(`${prefix}-${manifest.kind.toLowerCase()}-${manifest.metadata.name}`, manifest, opts);
}

/**
 * The image field CI owns after the first deploy (`kubectl set image`): Pulumi sets it once and
 * then leaves it, or every `pulumi up` would roll production back to the bootstrap image. The
 * provider reconciles ignored fields with server-side apply's managed fields
 * (pulumi/pulumi-kubernetes#2566), so CI's field manager keeps it.
 */
export const CI_OWNED_FIELDS = ["spec.template.spec.containers[0].image"];

export interface KubernetesServiceArgs {
  readonly placement: Placement;
  readonly name: string;
  readonly port: number;
  readonly healthCheckPath: string;
  /** The service's ECR repository URL: the image must come from it. */
  readonly registryUrl: pulumi.Input<string>;
  /** `<registryUrl>@sha256:…` the Deployment starts with (the bootstrap image); CI moves it. */
  readonly image: pulumi.Input<string>;
  /** @default 2 - one drains while the other serves */
  readonly replicas?: number;
  /** @default 250m CPU, 256Mi memory, requests equal to limits */
  readonly resources?: Resources;
  /** @default no autoscaler */
  readonly autoscaling?: Autoscaling;
  /** @default true - a writable emptyDir is mounted at /tmp */
  readonly readOnlyRootFilesystem?: boolean;
  /** Reached over HTTP: Service, Ingress and probes. @default true - `false` makes it a worker */
  readonly public?: boolean;
  /** Non-secret environment variables. @default none */
  readonly config?: Readonly<Record<string, string>>;
  /** Secret environment variables; always stored as Pulumi secrets. @default none */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** One service on Kubernetes: ServiceAccount, ConfigMap, Secret, Deployment, Service, Ingress, PDB, HPA. */
export class KubernetesService extends pulumi.ComponentResource {
  public readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: KubernetesServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:kubernetes:KubernetesService", name, {}, opts);
    const image = pulumi.all([args.image, args.registryUrl]).apply(([image, registry]) => {
      const problem = imageProblem(image, registry);
      if (problem) throw new Error(`${args.name}: image ${problem}`);
      return image;
    });
    const manifests = serviceManifests<pulumi.Input<string>>(args.placement, {
      name: args.name,
      port: args.port,
      healthCheckPath: args.healthCheckPath,
      image,
      replicas: args.replicas ?? 2,
      resources: args.resources ?? { cpu: "250m", memory: "256Mi" },
      autoscaling: args.autoscaling,
      readOnlyRootFilesystem: args.readOnlyRootFilesystem ?? true,
      public: args.public ?? true,
      config: args.config ?? {},
      secrets: Object.fromEntries(
        Object.entries(args.secrets ?? {}).map(([k, v]) => [k, pulumi.secret(v)] as const),
      ),
    });
    let deployment: pulumi.CustomResource | undefined;
    for (const m of manifests) {
      const created = createObject(name, m, {
        parent: this,
        // Children do not inherit dependsOn: the namespace must exist before its objects.
        dependsOn: opts?.dependsOn,
        ...(m.kind === "Deployment" ? { ignoreChanges: CI_OWNED_FIELDS } : {}),
      });
      if (m.kind === "Deployment") deployment = created;
    }
    this.deploymentName = (deployment as k8s.apps.v1.Deployment).metadata.name;
    this.registerOutputs({ deploymentName: this.deploymentName });
  }
}

export interface DeployAccessArgs {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Role name; also the ServiceAccount's off EKS. */
  readonly roleName: string;
  readonly rules: readonly PolicyRule[];
  /** EKS: the IAM roles CI assumes (keyed by a stable name) and the cluster. */
  readonly eks?: {
    readonly clusterName: string;
    readonly roleArns: Readonly<Record<string, pulumi.Input<string>>>;
    readonly awsProvider: aws.Provider;
  };
}

/**
 * Who may deploy into one namespace. On EKS: an access entry per CI role putting it in the
 * namespace's deployer group, bound to the Role. No access policy association: EKS's policies
 * (AmazonEKSEditPolicy and the like) grant far more than patching Deployments; a group bound by
 * RBAC is the narrow way. https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html
 * Elsewhere: a ServiceAccount bound to the Role, whose token Secret CI gets as an environment secret.
 */
export class DeployAccess extends pulumi.ComponentResource {
  /** Off EKS: the deployer ServiceAccount's token (secret). */
  public readonly token?: pulumi.Output<string>;
  /** Off EKS: the cluster CA the token Secret carries (base64). */
  public readonly caData?: pulumi.Output<string>;

  constructor(name: string, args: DeployAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:kubernetes:DeployAccess", name, {}, opts);
    const subject: Subject = args.eks
      ? { kind: "Group", name: deployerGroup(args.namespace), apiGroup: "rbac.authorization.k8s.io" }
      : { kind: "ServiceAccount", name: args.roleName, namespace: args.namespace };
    // Children do not inherit dependsOn: the namespace must exist before its objects.
    const inNamespace = { parent: this, dependsOn: opts?.dependsOn };
    createObject(name, roleManifest(args.namespace, args.roleName, args.rules, args.labels), inNamespace);
    createObject(
      name,
      roleBindingManifest(args.namespace, args.roleName, [subject], args.labels),
      inNamespace,
    );
    if (args.eks) {
      for (const [key, principalArn] of Object.entries(args.eks.roleArns)) {
        new aws.eks.AccessEntry(
          `${name}-${key}`,
          {
            clusterName: args.eks.clusterName,
            principalArn,
            type: "STANDARD",
            kubernetesGroups: [deployerGroup(args.namespace)],
          },
          { parent: this, provider: args.eks.awsProvider },
        );
      }
    } else {
      const account = createObject(
        name,
        deployerServiceAccountManifest(args.namespace, args.roleName, args.labels),
        inNamespace,
      );
      const tokenSecret = createObject(name, serviceAccountTokenManifest(args.namespace, args.roleName), {
        parent: this,
        dependsOn: [account],
      }) as k8s.core.v1.Secret;
      // The token controller fills `data` in; the provider waits for it (pulumi-kubernetes#2048)
      // and marks Secret data secret. The ServiceAccount must exist first (pulumi-kubernetes#4396).
      const data = tokenSecret.data.apply((d) => d ?? {});
      this.token = pulumi.secret(data.apply((d) => Buffer.from(d.token ?? "", "base64").toString("utf8")));
      this.caData = data.apply((d) => d["ca.crt"] ?? "");
    }
    this.registerOutputs({ token: this.token, caData: this.caData });
  }
}

export interface KubernetesEnvironmentArgs {
  readonly team: string;
  readonly environment: string;
  readonly namespace: string;
  readonly cluster: ClusterRef;
  /** AWS provider of the stack: EKS lookups and access entries use it. */
  readonly awsProvider: aws.Provider;
  /** Node architecture the image is built for. @default "amd64" */
  readonly architecture?: "amd64" | "arm64";
  /** @default the cluster's default IngressClass */
  readonly ingressClass?: string;
  /** Namespace the ingress controller runs in. @default "ingress-nginx" */
  readonly ingressNamespace?: string;
  /** `<service>.<domain>` with TLS. @default no host, plain HTTP */
  readonly domain?: string;
  /** cert-manager ClusterIssuer for TLS. @default "letsencrypt" */
  readonly clusterIssuer?: string;
  /** The services, without the placement (filled in here). */
  readonly services: readonly Omit<KubernetesServiceArgs, "placement">[];
  /**
   * EKS: the IAM roles CI deploys with (the per-repository OIDC deploy roles), keyed by a stable
   * name. @default none - nobody deploys until roles are given
   */
  readonly deployRoleArns?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Host the team's previews in `<team>-previews` too: at most `limit` per service, deployed by
   * `previewRoleArns` (EKS) or a `preview-deployer` ServiceAccount. @default no previews
   */
  readonly previews?: {
    readonly namespace: string;
    readonly limit: number;
    readonly previewRoleArns?: Readonly<Record<string, pulumi.Input<string>>>;
  };
}

/** An environment on an existing Kubernetes cluster. */
export class KubernetesEnvironment extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly namespace: string;
  /** The cluster's API server URL (CI's KUBE_API_SERVER). */
  public readonly apiServer: pulumi.Output<string>;
  /** Base64 CA of the API server (CI's KUBE_CA_DATA). */
  public readonly caData: pulumi.Output<string>;
  /** `https://<service>.<domain>` per service, or undefined without a domain. */
  public readonly publicUrls: Record<string, string | undefined>;
  /** Off EKS: the deployer ServiceAccount token (CI's KUBE_TOKEN). */
  public readonly deployToken?: pulumi.Output<string>;
  /** Off EKS, with previews: the preview deployer's token. */
  public readonly previewToken?: pulumi.Output<string>;

  constructor(name: string, args: KubernetesEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("delivery:kubernetes:KubernetesEnvironment", name, {}, opts);
    const c = args.cluster;
    let kubeconfig: pulumi.Input<string>;
    if (c.kind === "eks") {
      const cluster = aws.eks.getClusterOutput(
        { name: c.clusterName },
        { provider: args.awsProvider, parent: this },
      );
      kubeconfig = cluster.apply((k) => {
        const problem = accessEntriesProblem(c.clusterName, k.accessConfigs?.[0]?.authenticationMode);
        if (problem) throw new Error(problem);
        return eksKubeconfig({
          name: c.clusterName,
          region: c.region,
          endpoint: k.endpoint,
          certificateAuthorityData: k.certificateAuthorities[0]?.data ?? "",
        });
      });
      this.apiServer = cluster.endpoint;
      this.caData = cluster.certificateAuthorities.apply((a) => a[0]?.data ?? "");
    } else {
      kubeconfig = c.kubeconfig;
      const endpoint = pulumi.output(c.kubeconfig).apply((k) => kubeconfigEndpoint(k, c.configKey));
      this.apiServer = pulumi.unsecret(endpoint.apply((e) => e.server));
      this.caData = pulumi.unsecret(endpoint.apply((e) => e.certificateAuthorityData ?? ""));
    }
    this.provider = new k8s.Provider(
      `${name}-cluster`,
      {
        kubeconfig: pulumi.secret(kubeconfig),
        // Server-side apply (the default since v4): CI's `kubectl set image` owns the image field.
        enableServerSideApply: true,
      },
      { parent: this },
    );
    const kube = { parent: this, provider: this.provider };

    const placement: Placement = {
      team: args.team,
      environment: args.environment,
      namespace: args.namespace,
      architecture: args.architecture ?? "amd64",
      ingressClass: args.ingressClass,
      domain: args.domain,
      clusterIssuer: args.clusterIssuer ?? "letsencrypt",
    };
    this.namespace = args.namespace;
    const ingressNamespace = args.ingressNamespace ?? "ingress-nginx";
    const [namespace, ...namespaced] = namespaceManifests(
      placement,
      ingressNamespace,
      args.services.map((s) => ({
        port: s.port,
        replicas: s.replicas ?? 2,
        autoscaling: s.autoscaling,
        resources: s.resources ?? { cpu: "250m", memory: "256Mi" },
        public: s.public,
      })),
    );
    const ns = createObject(name, namespace, kube);
    const inNamespace = { ...kube, dependsOn: [ns] };
    for (const m of namespaced) createObject(name, m, inNamespace);

    for (const s of args.services) {
      new KubernetesService(`${name}-${s.name}`, { ...s, placement }, inNamespace);
    }
    this.publicUrls = Object.fromEntries(
      args.services.map((s) => [
        s.name,
        args.domain && s.public !== false ? `https://${s.name}.${args.domain}` : undefined,
      ]),
    );

    const labels = {
      [LABELS.partOf]: args.team,
      [LABELS.managedBy]: "pulumi",
      [LABELS.environment]: args.environment,
    };
    const eks = (roleArns: Readonly<Record<string, pulumi.Input<string>>> | undefined) =>
      c.kind === "eks"
        ? { clusterName: c.clusterName, roleArns: roleArns ?? {}, awsProvider: args.awsProvider }
        : undefined;
    const access = new DeployAccess(
      `${name}-deploy`,
      {
        namespace: args.namespace,
        labels,
        roleName: DEPLOYER,
        rules: deployerRules(args.services.map((s) => s.name)),
        eks: eks(args.deployRoleArns),
      },
      inNamespace,
    );
    this.deployToken = access.token;

    if (args.previews) {
      const previewPlacement = { ...placement, namespace: args.previews.namespace, environment: "previews" };
      const [pns, ...pNamespaced] = previewNamespaceManifests({
        placement: previewPlacement,
        ingressNamespace,
        services: args.services.map((s) => ({ name: s.name, port: s.port })),
        limit: args.previews.limit,
      });
      const previewNs = createObject(`${name}-previews`, pns, kube);
      const inPreviews = { ...kube, dependsOn: [previewNs] };
      for (const m of pNamespaced) createObject(`${name}-previews`, m, inPreviews);
      const previewAccess = new DeployAccess(
        `${name}-preview-deploy`,
        {
          namespace: args.previews.namespace,
          labels: { ...labels, [LABELS.environment]: "previews" },
          roleName: "preview-deployer",
          rules: previewDeployerRules(),
          eks: eks(args.previews.previewRoleArns),
        },
        inPreviews,
      );
      this.previewToken = previewAccess.token;
    }

    this.registerOutputs({
      namespace: this.namespace,
      apiServer: this.apiServer,
      publicUrls: this.publicUrls,
      deployToken: this.deployToken,
      previewToken: this.previewToken,
    });
  }
}
