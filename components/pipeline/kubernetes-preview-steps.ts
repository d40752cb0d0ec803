/**
 * The preview workflow's steps when previews run on Kubernetes (`team.previews.environment` names
 * an environment with `runtime: kubernetes` and `kubernetes.previews: true`). The jobs, the image
 * build and the pull-request report are the server runtime's (preview-workflow.ts); only the step
 * that puts a preview in place, removes it or sweeps expired ones differs: it runs
 * scripts/kubernetes-preview.sh (kubernetes-lib.sh inlined) against the cluster's previews
 * namespace with the same limit and TTL as the server's preview agent.
 *
 * The objects it applies are rendered here, when the workflow is generated, by the same pure
 * function the tests validate against the Kubernetes OpenAPI schemas (previewTemplate); the
 * script only fills in the pull request's number, image digest and expiry.
 */
import { PREVIEW_TEMPLATE_TOKENS, previewResourceTypes, previewTemplate } from "../kubernetes/previews";
import type { KubeObject } from "../kubernetes/manifests";
import {
  ENVIRONMENT_SECRETS,
  ENVIRONMENT_VARIABLES,
  PREVIEW_ENVIRONMENT,
  REPOSITORY_VARIABLES,
} from "../release";
import { resolvePreviews, type ServiceSpec, type TeamSpec } from "../team";
import { kubernetesStepScript } from "./kubernetes-steps";
import type { Job, Step } from "./model";

const expr = (expression: string): string => `\${{ ${expression} }}`;
const variable = (name: string): string => expr(`vars.${name}`);

/** How long a preview's pod may take to become ready before the deploy is reported failed. */
export const PREVIEW_ROLLOUT_TIMEOUT = "5m";

/**
 * The objects of one service's preview with the run-time values as tokens, or undefined when the
 * team's previews do not run on Kubernetes. The hosting environment's non-secret settings become
 * the preview's ConfigMap (as on the server, secrets never reach a preview).
 */
export function kubernetesPreviewTemplate(spec: TeamSpec, service: ServiceSpec): KubeObject[] | undefined {
  const plan = resolvePreviews(spec);
  const env = spec.environments.find((e) => e.name === plan?.environment);
  if (!plan?.kubernetes || !env?.kubernetes) return undefined;
  const objects = previewTemplate({
    placement: {
      team: spec.name,
      environment: "previews",
      namespace: plan.kubernetes.namespace,
      architecture: plan.kubernetes.architecture,
      ingressClass: env.kubernetes.ingressClass,
      domain: plan.kubernetes.domain,
      clusterIssuer: env.kubernetes.clusterIssuer,
    },
    service: { name: service.name, port: service.port, healthCheckPath: service.healthCheckPath },
    config: {
      ...(service.env[plan.environment] ?? {}),
      PORT: String(service.port),
      SERVICE: service.name,
      ENVIRONMENT: PREVIEW_ENVIRONMENT,
    },
  });
  // The template travels in a step's `env:`, where GitHub would evaluate an expression: a
  // setting that looks like one must not become one.
  const text = JSON.stringify(objects);
  if (text.includes("${{"))
    throw new Error(
      `${service.name}: a setting of ${plan.environment} contains "\${{", which GitHub would evaluate in the preview workflow`,
    );
  for (const token of Object.values(PREVIEW_TEMPLATE_TOKENS))
    if (!text.includes(token)) throw new Error(`preview template lost its ${token}`);
  return objects;
}

export interface KubernetesPreviewSteps {
  readonly deploy: Step;
  readonly remove: Step;
  readonly sweep: Step;
}

/**
 * The three steps (ids `deploy` and `remove` as the server's, so the report steps read the same
 * outputs), or undefined when the team's previews do not run on Kubernetes.
 */
export function kubernetesPreviewSteps(
  spec: TeamSpec,
  service: ServiceSpec,
): KubernetesPreviewSteps | undefined {
  const plan = resolvePreviews(spec);
  const objects = kubernetesPreviewTemplate(spec, service);
  if (!plan || !objects) return undefined;
  const run = kubernetesStepScript("kubernetes-preview.sh");
  const env = (action: "deploy" | "remove" | "sweep"): Record<string, string> => ({
    ACTION: action,
    SERVICE: service.name,
    PR_NUMBER: action === "sweep" ? "" : expr("github.event.pull_request.number"),
    IMAGE: action === "deploy" ? expr("steps.image.outputs.image") : "",
    REGISTRY_URL: variable(REPOSITORY_VARIABLES.registryUrl),
    ...(action === "deploy"
      ? { PREVIEW_MANIFESTS: JSON.stringify(objects, null, 2) }
      : { PREVIEW_TYPES: previewResourceTypes(objects).join(",") }),
    PREVIEW_LIMIT: String(plan.maxPerService),
    TTL_HOURS: String(plan.ttlDays * 24),
    ROLLOUT_TIMEOUT: PREVIEW_ROLLOUT_TIMEOUT,
    // The `preview` environment's variables (set by the stack hosting previews): the previews
    // namespace and how to reach the cluster; on EKS the cluster name (the token comes from the
    // preview role), elsewhere the preview-deployer ServiceAccount's token.
    KUBE_NAMESPACE: variable(ENVIRONMENT_VARIABLES.kubernetesNamespace),
    KUBE_API_SERVER: variable(ENVIRONMENT_VARIABLES.kubernetesApiServer),
    KUBE_CA_DATA: variable(ENVIRONMENT_VARIABLES.kubernetesCaData),
    EKS_CLUSTER_NAME: variable(ENVIRONMENT_VARIABLES.eksClusterName),
    KUBE_TOKEN: expr(`secrets.${ENVIRONMENT_SECRETS.kubernetesToken}`),
  });
  return {
    deploy: {
      name: `Deploy preview pr-<n>-${service.name} in ${plan.kubernetes!.namespace} and wait for it`,
      id: "deploy",
      run,
      env: env("deploy"),
    },
    remove: {
      name: `Remove preview pr-<n>-${service.name} from ${plan.kubernetes!.namespace}`,
      id: "remove",
      run,
      env: env("remove"),
    },
    sweep: {
      name: `Remove previews of ${service.name} idle for ${plan.ttlDays} day(s)`,
      run,
      env: env("sweep"),
    },
  };
}

/**
 * The preview jobs with the cluster's step in place of the server's preview-document step
 * (`serverRun`), one per job: `preview` deploys, `remove-preview` removes, `sweep-previews`
 * sweeps. Unchanged when `steps` is undefined (previews on a server). Throws when a job does not
 * have exactly one such step: a workflow half on the server and half on the cluster must not be
 * generated.
 */
export function onKubernetes<J extends Job>(
  jobs: { readonly preview: J; readonly "remove-preview": J; readonly "sweep-previews": J },
  serverRun: string,
  steps: KubernetesPreviewSteps | undefined,
): Record<string, J> {
  if (!steps) return { ...jobs };
  const byJob = { preview: steps.deploy, "remove-preview": steps.remove, "sweep-previews": steps.sweep };
  return Object.fromEntries(
    Object.entries(jobs).map(([id, job]) => {
      const replacement = byJob[id as keyof typeof byJob];
      const at = job.steps.flatMap((s, i) => (s.run === serverRun ? [i] : []));
      if (!replacement || at.length !== 1)
        throw new Error(
          `preview job ${id}: expected one preview-document step to run on Kubernetes, found ${at.length}`,
        );
      // Whatever condition the server's step had (its server running) does not apply to a cluster.
      return [id, { ...job, steps: job.steps.map((s, i) => (i === at[0] ? replacement : s)) }];
    }),
  );
}
