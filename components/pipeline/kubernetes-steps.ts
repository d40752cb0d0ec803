/**
 * The deploy and rollback steps of an environment on the Kubernetes runtime. The workflows stay
 * the same for both runtimes (guard, build once, promote the same digest, smoke and regression,
 * notifications); only the step that puts the image in place differs: here it sets the
 * Deployment's image by digest, waits for the rollout and undoes it on failure.
 *
 * The shell is scripts/kubernetes-deploy.sh (with scripts/kubernetes-lib.sh inlined, since the
 * step runs in the service's repository, where neither file exists), shellchecked as files.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_SECRETS, ENVIRONMENT_VARIABLES } from "../release";
import type { Step } from "./model";

const SCRIPTS = path.join(__dirname, "scripts");
const SOURCE_LIB = /^# shellcheck source=kubernetes-lib\.sh\nsource .*kubernetes-lib\.sh"\n/m;

/**
 * A Kubernetes step's script (`kubernetes-deploy.sh`, `kubernetes-preview.sh`) with
 * kubernetes-lib.sh inlined where it sources it: the `run:` of the step.
 */
export function kubernetesStepScript(file: string): string {
  const main = readFileSync(path.join(SCRIPTS, file), "utf8");
  const lib = readFileSync(path.join(SCRIPTS, "kubernetes-lib.sh"), "utf8").replace(/^#!.*\n/, "");
  if (!SOURCE_LIB.test(main)) throw new Error(`${file} no longer sources kubernetes-lib.sh`);
  return main.replace(SOURCE_LIB, () => lib);
}

/** kubernetes-deploy.sh with its library inlined: the `run:` of the deploy step. */
export function kubernetesDeployScript(): string {
  return kubernetesStepScript("kubernetes-deploy.sh");
}

const expr = (expression: string): string => `\${{ ${expression} }}`;

export interface KubernetesDeployStepsArgs {
  /** `deploy` in the deploy workflows, `rollback` in the rollback workflow (log wording only). */
  readonly action: "deploy" | "rollback";
  /**
   * Run only when this holds: the rollback workflow serves every environment, so on a mixed team
   * it runs these steps `if: inputs.environment == '<a Kubernetes environment>'` and the server's
   * otherwise. @default always
   */
  readonly condition?: string;
  /** How long new pods may take to become ready. @default "5m" */
  readonly rolloutTimeout?: string;
  /** Step output holding `sha256:<digest>`. @default "steps.image.outputs.digest" */
  readonly digestExpression?: string;
}

/**
 * The steps that replace "write the release parameter + run the deploy agent" on Kubernetes.
 * They read, besides what they set: SERVICE, VERSION and REGISTRY_URL from the job's env (the
 * deploy job's `deployEnv`), and AWS_REGION from the configure-aws-credentials step (EKS).
 */
export function kubernetesDeploySteps(a: KubernetesDeployStepsArgs): Step[] {
  const v = (name: string) => expr(`vars.${name}`);
  return [
    {
      name:
        a.action === "deploy"
          ? "Set the image by digest and wait for the rollout (undo on failure)"
          : "Roll back: set the released image by digest and wait for the rollout (undo on failure)",
      ...(a.condition ? { if: a.condition } : {}),
      run: kubernetesDeployScript(),
      env: {
        IMAGE_DIGEST: expr(a.digestExpression ?? "steps.image.outputs.digest"),
        ACTION: a.action,
        ROLLOUT_TIMEOUT: a.rolloutTimeout ?? "5m",
        KUBE_NAMESPACE: v(ENVIRONMENT_VARIABLES.kubernetesNamespace),
        KUBE_API_SERVER: v(ENVIRONMENT_VARIABLES.kubernetesApiServer),
        KUBE_CA_DATA: v(ENVIRONMENT_VARIABLES.kubernetesCaData),
        // Each environment sets one of the two (EKS: the cluster name; elsewhere: the token);
        // the other is empty, and the script authenticates with the one that is set.
        EKS_CLUSTER_NAME: v(ENVIRONMENT_VARIABLES.eksClusterName),
        KUBE_TOKEN: expr(`secrets.${ENVIRONMENT_SECRETS.kubernetesToken}`),
      },
    },
  ];
}
