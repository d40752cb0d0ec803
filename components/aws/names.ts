/**
 * Names the AWS resources, the deploy agent and the workflows agree on. Each is written once,
 * here, as a pure function of the team spec's slugs.
 */

/** Tag prefix of the placeholder image pushed before the first release. */
export const BOOTSTRAP_IMAGE_TAG_PREFIX = "bootstrap-";

/**
 * What a release parameter holds when no image was ever released and no bootstrap image was
 * built (`release.bootstrapImage: false`). The deploy agent treats it as "nothing released yet".
 * Not an image reference on purpose: it can never be pulled by mistake.
 */
export const NOTHING_RELEASED = "none:nothing-released-yet";

/** ECR repository of a service: `<team>/<service>`, so several teams share an account. */
export function repositoryName(team: string, service: string): string {
  return `${team}/${service}`;
}

/** The SSM parameter that holds an environment's deployed image reference for a service. */
export function releaseParameterName(team: string, environment: string, service: string): string {
  return `/delivery/${team}/${environment}/${service}/release`;
}

/** CloudWatch log group of an environment's server (containers and the deploy agent). */
export function serverLogGroupName(team: string, environment: string): string {
  return `/delivery/${team}/${environment}/server`;
}

/**
 * The SSM Command document that deploys a service in an environment (agent-documents.ts): CI runs
 * it by this name (ENVIRONMENT_VARIABLES.deployDocument), and the deploy role may run only it.
 */
export function deployDocumentName(team: string, environment: string, service: string): string {
  return `${team}-${environment}-${service}-deploy`;
}
