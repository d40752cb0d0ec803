/**
 * Names shared by the rules GitHub enforces, the workflows that satisfy them, and the stacks
 * that feed the workflows their settings. Each name is written once, here.
 */

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
} as const;
export type StatusCheck = (typeof STATUS_CHECKS)[keyof typeof STATUS_CHECKS];

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
export const DEPLOY_DOCUMENT_PARAMETERS = {
  /** `<registry url>@sha256:<digest>`: what to run. */
  image: "image",
  /** The release name (`v1.2.3`, `v1.2.3-rc.1` or `sha-<commit>`): the container's SENTRY_RELEASE. */
  release: "release",
} as const;

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
 * Where the deploy agent lives on every server. CI runs `<path> deploy <service>` through SSM
 * Run Command; operators run `<path> rollback <service>`.
 */
export const DEPLOY_AGENT_PATH = "/usr/local/bin/deploy-agent";
