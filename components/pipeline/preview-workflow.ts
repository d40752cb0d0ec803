/**
 * `.github/workflows/preview.yml` of one service repository: a running copy of every pull request
 * from a branch of the repository, as data.
 *
 *  - `preview` (pull_request opened / synchronize / reopened): build the image once as
 *    `sha-<commit>` for the runtime's platform (reused when the tag exists: tags are immutable),
 *    run the service's preview document (deploy `pr-<n>`), then one PR comment edited in place and
 *    one Slack message with the address; the job's environment `preview` carries the URL, so the
 *    pull request shows a deployment with it.
 *  - `remove-preview` (pull_request closed, merged or not): remove `pr-<n>` and say so.
 *  - `sweep-previews` (schedule): remove previews idle longer than `team.previews.ttlDays`.
 *
 * On Kubernetes (the preview environment's runtime) the jobs are the same; `onKubernetes`
 * (kubernetes-preview-steps.ts) puts the cluster's deploy, remove and sweep steps in place of the
 * preview-document steps, which stay as they are for servers.
 *
 * `pull_request`, never `pull_request_target`: the run has the pull request's code and its own
 * workflow, and GitHub gives a fork's run no secrets and no OIDC token. On top of that, every job
 * that assumes the preview role runs only when the head repository is this repository (job-level
 * `if`); a fork's pull request gets no preview, and its checks still run in pull-request.yml.
 * Every job asks only for the token scopes it uses; no `${{ }}` appears inside a `run:` script.
 */
import {
  ENVIRONMENT_SECRETS,
  OIDC_AUDIENCE,
  PREVIEW_ENVIRONMENT,
  PREVIEW_LIMIT_EXIT_STATUS,
  PREVIEW_VARIABLES,
  REPOSITORY_VARIABLES,
  architectureOfInstanceType,
  dockerPlatform,
} from "../release";
import { resolvePreviews, type ServiceSpec, type TeamSpec } from "../team";
import { ACTIONS } from "./actions";
import { kubernetesPreviewSteps, onKubernetes } from "./kubernetes-preview-steps";
import type { Concurrency, Job, PullRequestType, Step, Triggers, Workflow } from "./model";
import {
  previewServerStatusSteps,
  startPreviewServerSteps,
  stopIdlePreviewServerSteps,
  whenPreviewServerRuns,
} from "./preview-server-steps";
import { stepScript } from "./scripts";
import { workflowYaml } from "./serialize";
import { RUNNER } from "./tools";

export const PREVIEW_WORKFLOW_PATH = ".github/workflows/preview.yml";

/** Daily, off the hour (GitHub delays runs at :00 under load). */
export const PREVIEW_SWEEP_CRON = "23 4 * * *";

// The preview workflow in model.ts's terms, with the keys every preview job sets made required.
export type PreviewStep = Step;

export interface PreviewJob extends Job {
  readonly if: string;
  readonly environment: { readonly name: string; readonly url?: string };
  readonly concurrency: Concurrency;
  readonly steps: readonly PreviewStep[];
}

export interface PreviewWorkflow extends Workflow {
  readonly on: Triggers & {
    readonly pull_request: { readonly types: readonly PullRequestType[] };
    readonly schedule: readonly { readonly cron: string }[];
  };
  readonly jobs: Readonly<Record<string, PreviewJob>>;
}

const expr = (expression: string): string => `\${{ ${expression} }}`;
const variable = (name: string): string => expr(`vars.${name}`);

/** A pull request whose head branch lives in this repository (not a fork). */
export const SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository";
const PR_NUMBER = "github.event.pull_request.number";

const checkout: PreviewStep = {
  name: "Check out",
  uses: ACTIONS.checkout,
  // The token stays out of .git/config: the build cannot push with it.
  with: { "persist-credentials": false },
};

const awsCredentials: PreviewStep = {
  name: "AWS credentials (preview role, OIDC)",
  uses: ACTIONS.configureAwsCredentials,
  with: {
    "role-to-assume": variable(PREVIEW_VARIABLES.roleArn),
    "aws-region": variable(REPOSITORY_VARIABLES.awsRegion),
    audience: OIDC_AUDIENCE,
  },
};

const commandEnv = (action: string, image?: string): Record<string, string> => ({
  PREVIEW_DOCUMENT: variable(PREVIEW_VARIABLES.document),
  PREVIEW_INSTANCE_IDS: variable(PREVIEW_VARIABLES.instanceIds),
  ACTION: action,
  PR_NUMBER: action === "sweep" ? "" : expr(PR_NUMBER),
  IMAGE: image ?? "",
  LIMIT_EXIT_STATUS: String(PREVIEW_LIMIT_EXIT_STATUS),
});

const reportEnv = (
  service: string,
  outcome: string,
  url: string,
  message: string,
): Record<string, string> => ({
  GH_TOKEN: expr("github.token"),
  PR_NUMBER: expr(PR_NUMBER),
  PR_TITLE: expr("github.event.pull_request.title"),
  PR_URL: expr("github.event.pull_request.html_url"),
  SERVICE: service,
  OUTCOME: outcome,
  URL: url,
  MESSAGE: message,
  COMMIT_SHA: expr("github.sha"),
  RUN_URL: `${expr("github.server_url")}/${expr("github.repository")}/actions/runs/${expr("github.run_id")}`,
  SLACK_WEBHOOK_URL: expr(`secrets.${ENVIRONMENT_SECRETS.slackWebhookUrl}`),
});

const optionalIf = (condition: string | undefined): { if?: string } =>
  condition === undefined ? {} : { if: condition };

/**
 * Where images are built: the platform of the server that runs previews, or of the cluster's
 * nodes when previews run on Kubernetes (one image per team).
 */
export function previewPlatform(spec: TeamSpec): { platform: string; emulated: boolean } {
  const plan = resolvePreviews(spec);
  const architecture =
    plan?.kubernetes?.architecture ?? architectureOfInstanceType(plan?.instanceType ?? "t4g.micro");
  return { platform: dockerPlatform(architecture), emulated: architecture !== "amd64" };
}

/** The preview workflow of one service, or undefined when the team has previews off. */
export function previewWorkflow(spec: TeamSpec, service: ServiceSpec): PreviewWorkflow | undefined {
  if (!resolvePreviews(spec)) return undefined;
  const { platform, emulated } = previewPlatform(spec);
  const group = `preview-${service.name}-pr-${expr(PR_NUMBER)}`;
  const environment = PREVIEW_ENVIRONMENT;

  const deploy: PreviewJob = {
    name: "preview",
    "runs-on": RUNNER,
    if: `github.event_name == 'pull_request' && github.event.action != 'closed' && ${SAME_REPOSITORY}`,
    // id-token: the preview role; pull-requests: the comment. Nothing else.
    permissions: { contents: "read", "id-token": "write", "pull-requests": "write" },
    // The OIDC subject becomes environment:preview, the only one the preview role trusts; the URL
    // is what the pull request's deployment links to.
    environment: { name: environment, url: expr("steps.deploy.outputs.url") },
    // A new push replaces the preview being deployed for the same pull request.
    concurrency: { group, "cancel-in-progress": true },
    "timeout-minutes": 30,
    steps: [
      checkout,
      ...(emulated
        ? [
            {
              name: `Emulate ${platform} (QEMU)`,
              uses: ACTIONS.setupQemu,
              with: { platforms: platform },
            },
            { name: "Set up Docker Buildx", uses: ACTIONS.setupBuildx },
          ]
        : []),
      awsCredentials,
      {
        name: "Build the image once (sha-<commit>)",
        id: "image",
        run: stepScript("previewImage"),
        env: {
          REGISTRY_URL: variable(REPOSITORY_VARIABLES.registryUrl),
          COMMIT_SHA: expr("github.sha"),
          DOCKER_PLATFORM: platform,
          DOCKERFILE: service.dockerfile,
        },
      },
      ...startPreviewServerSteps(spec),
      {
        name: `Deploy preview pr-<n> of ${service.name}`,
        id: "deploy",
        run: stepScript("previewCommand"),
        env: commandEnv("deploy", expr("steps.image.outputs.image")),
      },
      {
        name: "Tell the pull request (and Slack, once)",
        if: "always() && steps.deploy.outputs.outcome != ''",
        run: stepScript("previewReport"),
        env: reportEnv(
          service.name,
          expr("steps.deploy.outputs.outcome"),
          expr("steps.deploy.outputs.url"),
          expr("steps.deploy.outputs.message"),
        ),
      },
      {
        name: "Fail unless the preview runs",
        if: "steps.deploy.outputs.outcome != 'deployed'",
        run: stepScript("previewFail"),
        env: { MESSAGE: expr("steps.deploy.outputs.message") },
      },
    ],
  };

  const remove: PreviewJob = {
    name: "remove preview",
    "runs-on": RUNNER,
    if: `github.event_name == 'pull_request' && github.event.action == 'closed' && ${SAME_REPOSITORY}`,
    permissions: { "id-token": "write", "pull-requests": "write" },
    environment: { name: environment },
    // Closing cancels a deploy still running for this pull request, then removes.
    concurrency: { group, "cancel-in-progress": true },
    "timeout-minutes": 15,
    steps: [
      awsCredentials,
      ...previewServerStatusSteps(spec),
      {
        name: `Remove preview pr-<n> of ${service.name}`,
        id: "remove",
        ...optionalIf(whenPreviewServerRuns(spec)),
        run: stepScript("previewCommand"),
        env: commandEnv("remove"),
      },
      ...stopIdlePreviewServerSteps(spec, "remove"),
      {
        name: "Tell the pull request (and Slack)",
        if: "steps.remove.outputs.outcome == 'removed'",
        run: stepScript("previewReport"),
        env: reportEnv(service.name, "removed", "", ""),
      },
    ],
  };

  const sweep: PreviewJob = {
    name: "sweep previews",
    "runs-on": RUNNER,
    if: "github.event_name == 'schedule'",
    permissions: { "id-token": "write" },
    environment: { name: environment },
    concurrency: { group: `preview-${service.name}-sweep`, "cancel-in-progress": false },
    "timeout-minutes": 15,
    steps: [
      awsCredentials,
      ...previewServerStatusSteps(spec),
      {
        name: `Remove previews of ${service.name} idle for ${spec.previews.ttlDays} day(s)`,
        id: "sweep",
        ...optionalIf(whenPreviewServerRuns(spec)),
        run: stepScript("previewCommand"),
        env: commandEnv("sweep"),
      },
      ...stopIdlePreviewServerSteps(spec, "sweep"),
    ],
  };

  return {
    name: "preview",
    on: {
      pull_request: { types: ["opened", "synchronize", "reopened", "closed"] },
      schedule: [{ cron: PREVIEW_SWEEP_CRON }],
    },
    permissions: {},
    defaults: { run: { shell: "bash" } },
    jobs: onKubernetes(
      { preview: deploy, "remove-preview": remove, "sweep-previews": sweep },
      stepScript("previewCommand"),
      kubernetesPreviewSteps(spec, service),
    ),
  };
}

/** The workflow as YAML, through the pipeline's serializer (pins with version comments). */
export function previewWorkflowYaml(workflow: PreviewWorkflow): string {
  return workflowYaml(workflow);
}

/** The file to commit into the service's repository, or undefined when previews are off. */
export function previewWorkflowFile(
  spec: TeamSpec,
  service: ServiceSpec,
): { key: string; path: string; content: string } | undefined {
  const workflow = previewWorkflow(spec, service);
  return workflow && { key: "preview", path: PREVIEW_WORKFLOW_PATH, content: previewWorkflowYaml(workflow) };
}
