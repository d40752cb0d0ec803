/**
 * Names shared by the rules GitHub enforces, the workflows that satisfy them, and the stacks
 * that feed the workflows their settings. Each name is written once, here.
 */
import type { TeamSpec } from "../team";

/** The status checks a pull request must pass: the generated CI job names, exactly. */
export const STATUS_CHECKS = {
  /** Pre-commit hooks: formatter and linter. */
  lint: "lint",
  /** Unit tests with the coverage threshold. */
  test: "test",
  /** The container image builds (not pushed on pull requests). */
  build: "build-image",
  /** The pull request comes from the one branch allowed to merge into a promotion branch. */
  prSource: "pr-source",
  /**
   * The SonarQube/SonarCloud quality gate (only when the spec sets `quality.sonar`): required on
   * every protected branch then — see {@link qualityChecks}.
   */
  sonar: "sonar",
} as const;
export type StatusCheck = (typeof STATUS_CHECKS)[keyof typeof STATUS_CHECKS];

/**
 * The checks the team's optional quality tools add to every protected branch's required checks
 * (beside lint, test and build-image): `sonar` when `quality.sonar` is set.
 */
export function qualityChecks(spec: Pick<TeamSpec, "quality">): StatusCheck[] {
  return spec.quality?.sonar ? [STATUS_CHECKS.sonar] : [];
}

/**
 * GitHub Actions' app id: required status checks must come from it, so another app (or a
 * commit status posted with a token) cannot satisfy them.
 */
export const GITHUB_ACTIONS_APP_ID = 15368;

/** Repository-level Actions variables, set by the shared stack. */
export const REPOSITORY_VARIABLES = {
  awsRegion: "AWS_REGION",
  registryUrl: "ECR_REPOSITORY_URL",
  buildRoleArn: "BUILD_ROLE_ARN",
} as const;

/** Environment-level Actions variables, set by each environment stack. */
export const ENVIRONMENT_VARIABLES = {
  deployRoleArn: "DEPLOY_ROLE_ARN",
  serverInstanceIds: "SERVER_INSTANCE_IDS",
  publicUrl: "PUBLIC_URL",
  releaseParameter: "RELEASE_PARAMETER",
  sentryEnvironment: "SENTRY_ENVIRONMENT",
  /**
   * The SSM Command document that deploys this repository's service on this environment's
   * servers (one document per service and environment, so a deploy role can be scoped to it).
   */
  deployDocument: "DEPLOY_DOCUMENT",
  /** Kubernetes runtime: the namespace whose Deployments CI may update. */
  kubernetesNamespace: "KUBE_NAMESPACE",
  /** Kubernetes runtime: the cluster's API server URL. */
  kubernetesApiServer: "KUBE_API_SERVER",
  /** Kubernetes runtime: base64 PEM of the API server's CA. */
  kubernetesCaData: "KUBE_CA_DATA",
  /** Kubernetes runtime on EKS: the cluster name `aws eks get-token` signs for (no token secret). */
  eksClusterName: "EKS_CLUSTER_NAME",
} as const;

/** The environment variables only a Kubernetes environment sets; a server environment sets none of them. */
export const KUBERNETES_ENVIRONMENT_VARIABLES: readonly string[] = [
  ENVIRONMENT_VARIABLES.kubernetesNamespace,
  ENVIRONMENT_VARIABLES.kubernetesApiServer,
  ENVIRONMENT_VARIABLES.kubernetesCaData,
  ENVIRONMENT_VARIABLES.eksClusterName,
];

/**
 * Parameters of a service's deploy document (SSM Run Command). CI sends the image by digest and
 * the release name; the agent on the server refuses an image outside the service's registry,
 * starts it beside the old release, switches the proxy only after its health check, and exits
 * non-zero otherwise. CI writes the release parameter only after every instance reported success:
 * the server never writes it (its role cannot).
 */
/**
 * The release a build is known by, in Sentry and in the container (`SENTRY_RELEASE`):
 * `<service>@<full commit sha>`, one per commit however many environments it reaches (Sentry's
 * `package@version` form). CI sends it as the deploy document's `release` parameter, whose
 * `allowedPattern` must admit it: SSM refuses SendCommand with a value outside the pattern
 * (SendCommand, InvalidParameters).
 */
export function buildReleaseName(service: string, commit: string): string {
  return `${service}@${commit}`;
}

export const DEPLOY_DOCUMENT_PARAMETERS = {
  /** `<registry url>@sha256:<digest>`: what to run. */
  image: "image",
  /**
   * The release name, the container's SENTRY_RELEASE: `<service>@<commit the image was built
   * from>`, one per build (not per tag: `sha-…`, the rc and the release of one image are one
   * release). The agent passes it, with SENTRY_ENVIRONMENT (the environment's name), to the container.
   */
  release: "release",
} as const;

/**
 * The GitHub environment every service repository uses for pull-request previews. Its deployment
 * policy admits the repository's own pull-request refs; the repository's preview role trusts
 * exactly `repo:OWNER/REPO:environment:preview`, and nothing else does.
 */
export const PREVIEW_ENVIRONMENT = "preview";

/** Environment-level Actions secrets, set by each environment stack from its secret config. */
export const ENVIRONMENT_SECRETS = {
  slackWebhookUrl: "SLACK_WEBHOOK_URL",
  sentryAuthToken: "SENTRY_AUTH_TOKEN",
  /**
   * Kubernetes runtime off EKS: the token of the namespace's `ci-deployer` ServiceAccount, which
   * may only update that namespace's Deployments (on EKS, CI authenticates with its IAM role).
   */
  kubernetesToken: "KUBE_TOKEN",
} as const;

/**
 * Repository-level Actions secrets, set by the shared stack. The Slack webhook is one per
 * repository, not per environment: the final report of a run must be sent by a job outside any
 * environment (a rejected approval or a failed guard never reaches the environment's job).
 */
export const REPOSITORY_SECRETS = {
  slackWebhookUrl: "SLACK_WEBHOOK_URL",
  /** SonarQube/SonarCloud token (stack secret `sonarToken`), when `quality.sonar` is set. */
  sonarToken: "SONAR_TOKEN",
} as const;

/** The audience GitHub's OIDC tokens carry for AWS. */
export const OIDC_AUDIENCE = "sts.amazonaws.com";
/** GitHub's OIDC issuer host (the IAM condition key prefix). */
export const OIDC_ISSUER_HOST = "token.actions.githubusercontent.com";

/**
 * Tag of an image built from a commit: `sha-<full commit sha>`. The workflows push it, the
 * promotions look it up, and the registry's lifecycle rules expire it.
 */
export const BUILD_IMAGE_TAG_PREFIX = "sha-";
/** The exact rule for a build tag. */
export const BUILD_IMAGE_TAG_REGEX = `^${BUILD_IMAGE_TAG_PREFIX}[0-9a-f]{40}$`;

/**
 * Tag prefix that marks every image production has run: `released-<version>` (`released-v1.2.3`,
 * or `released-sha-<commit>` where production deploys commits). The deploy workflow adds it to the
 * deployed digest once the deploy agent reports success on the production servers (the rollback
 * workflow too, when it targets production). The registry's lifecycle policy keeps the last N
 * images by this prefix alone: ECR tag patterns only know `*`, so `v*.*.*` also matches
 * `v1.2.3-rc.1` and cannot tell a release from a candidate, and a release also carries the rc and
 * `sha-` tags it was promoted from. A prefix no other tag starts with is the one unambiguous
 * selection. Tags are immutable, so a marker is never moved to another digest.
 */
export const RELEASED_IMAGE_TAG_PREFIX = "released-";

/**
 * Tag that marks an image an environment has run: `running-<environment>.<release>`
 * (`running-staging.v1.2.3-rc.1`, `running-integration.sha-<commit>`). The deploy workflow adds it
 * to the deployed digest once every server reported success (the rollback workflow too); an
 * existing tag on the same digest (a redeploy) is not an error. The registry keeps the newest
 * {@link RUNNING_IMAGES_KEPT} marked images of each environment whatever their age, so what an
 * environment runs, and what it can roll back to, never expires. The `.` cannot occur in an
 * environment name (a slug), so one environment's prefix never selects another's.
 */
export function runningImageTag(environment: string, release: string): string {
  return `${runningImageTagPrefix(environment)}${release}`;
}
export function runningImageTagPrefix(environment: string): string {
  return `running-${environment}.`;
}
/** Marked images kept per environment: the running one and the releases before it. */
export const RUNNING_IMAGES_KEPT = 5;

/**
 * Tag prefix that marks an image as having passed an environment: `passed-<environment>-<version>`
 * (`passed-staging-v1.2.3-rc.1`, `passed-staging-sha-<commit>`), added by that environment's deploy
 * job once deploy, smoke test and regression suite passed. Production promotes only a digest
 * carrying the marker of the environment it promotes from. Only that environment's deploy role
 * (OIDC subject `environment:<name>`, reachable only from the refs its deployment policy admits)
 * may add it; tags are immutable, so it cannot be moved. The registry's lifecycle rules must
 * treat it like the version it names (it expires with the candidate).
 */
export const PASSED_IMAGE_TAG_PREFIX = "passed-";

/** `passed-<environment>-`: the marker prefix of one environment. */
export function passedTagPrefix(environment: string): string {
  return `${PASSED_IMAGE_TAG_PREFIX}${environment}-`;
}

/**
 * Where the deploy agent lives on every server. CI runs it through the service's deploy document
 * (`deployDocumentName`); operators run `<path> rollback|status <service>` in a session.
 */
export const DEPLOY_AGENT_PATH = "/usr/local/bin/deploy-agent";

// ---------------------------------------------------------------------------------------------
// Pull-request previews (issue 12). The workflow (components/pipeline/preview-workflow.ts), the
// GitHub environment (components/github/preview-environment.ts) and the SSM document
// (components/aws/preview-document.ts) meet on these names and on PREVIEW_ENVIRONMENT above.

/** Variables of the `preview` environment, set by the stack that hosts previews. */
export const PREVIEW_VARIABLES = {
  /** The repository's preview role (assumed by OIDC from the `preview` environment). */
  roleArn: "PREVIEW_ROLE_ARN",
  /** The service's preview document, `<team>-<env>-<service>-preview`. */
  document: "PREVIEW_DOCUMENT",
  /** Space-separated instance ids of the servers that host previews. */
  instanceIds: "PREVIEW_INSTANCE_IDS",
} as const;

/**
 * Parameters of a service's preview document (SSM Run Command): `action` is deploy | remove |
 * sweep, `pr` the pull request number, `image` `<registry url>@sha256:<digest>`. The agent prints
 * `url=<address>` after a deploy and exits 3 with `preview limit reached: …` when the service
 * already has `team.previews.maxPerService` previews.
 */
export const PREVIEW_DOCUMENT_PARAMETERS = {
  action: "action",
  pr: "pr",
  image: "image",
} as const;

/** Exit status of the preview agent when the limit refuses a new preview. */
export const PREVIEW_LIMIT_EXIT_STATUS = 3;

/**
 * Previews' own server (`team.previews.instanceType`) is stopped while no preview is open: its
 * instance carries this tag (the offline plan prices it as its root volume only), preview.yml
 * starts it before a deploy and stops it when a remove or sweep leaves none. After a remove or
 * sweep the preview agent prints `previews_left=<n>`: the previews of every service on the server.
 */
export const IDLE_STOPPED_TAG = { key: "delivery:idle", value: "stopped" } as const;
