/**
 * Names the AWS resources, the deploy agent and the workflows agree on. Each is written once,
 * here, as a pure function of the team spec's slugs.
 */
import { createHash } from "crypto";

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

/**
 * The SSM path under which every parameter of one environment lives (release parameters and any
 * per-service settings): the servers of that environment read below it and nowhere else.
 */
export function environmentParameterPath(team: string, environment: string): string {
  return `/delivery/${team}/${environment}`;
}

/** The SSM parameter that holds an environment's deployed image reference for a service. */
export function releaseParameterName(team: string, environment: string, service: string): string {
  return `${environmentParameterPath(team, environment)}/${service}/release`;
}

/** CloudWatch log group of an environment's server (containers and the deploy agent). */
export function serverLogGroupName(team: string, environment: string): string {
  return `/delivery/${team}/${environment}/server`;
}

/**
 * The SSM Command document that deploys `service` on `environment`'s servers:
 * `<team>-<environment>-<service>-deploy`. One document per service and environment, so a deploy
 * role can be allowed `ssm:SendCommand` with exactly its own (contract:
 * `ENVIRONMENT_VARIABLES.deployDocument`). The server runtime creates documents by this name and
 * the deploy roles are scoped to it: both call this function.
 */
export function deployDocumentName(team: string, environment: string, service: string): string {
  return ssmDocumentName(`${team}-${environment}-${service}-deploy`);
}

/**
 * The SSM Command document that deploys and removes pull-request previews of `service` on
 * `environment`'s servers (the environment that hosts previews): `<team>-<environment>-<service>-preview`.
 * Only the service's preview role may send it.
 */
export function previewDocumentName(team: string, environment: string, service: string): string {
  return ssmDocumentName(`${team}-${environment}-${service}-preview`);
}

/**
 * SSM refuses document names outside `^[a-zA-Z0-9_\-.]{3,128}$` and names that start with `aws`,
 * `amazon` or `amzn` (reserved for AWS's own documents, which also covers AWSEC2, AWSSupport…: the SSM API reference, CreateDocument "Name"
 * reference). Slugs are at most 39 characters, so `<39>-<39>-<39>-preview` (127) always fits; the
 * prefix is the one rule a slug can break, and a plan must refuse what the API would.
 */
function ssmDocumentName(name: string): string {
  if (!/^[a-zA-Z0-9_.-]{3,128}$/.test(name)) {
    throw new Error(`SSM document name "${name}" must match ^[a-zA-Z0-9_\\-.]{3,128}$`);
  }
  if (/^(aws|amazon|amzn)/i.test(name)) {
    throw new Error(
      `SSM document name "${name}" starts with a prefix AWS reserves (aws, amazon, amzn); team.name must not start with it`,
    );
  }
  return name;
}

/** IAM's limit on a role name (CreateRole, RoleName: 1-64 characters of `[\w+=,.@-]`). */
export const IAM_ROLE_NAME_MAX = 64;

/**
 * A role name from its parts, joined by `.`, within IAM's 64 characters. Slugs never contain a
 * `.`, so the name is unambiguous: with `-`, team `a` service `b-c` and team `a-b` service `c`
 * (or environments `staging` and `staging-x` of one team) would both ask for one name, and IAM
 * role names are unique per account whatever their path (CreateRole: EntityAlreadyExists). Slugs
 * go up to 39 characters, so `<team>.<environment>.<service>.deploy` can reach 126: a name too
 * long keeps its readable start and ends in 8 hex characters of the full name's SHA-256.
 * Explicit (not auto-named): Pulumi's random suffix would not fit.
 */
export function iamRoleName(...parts: string[]): string {
  const full = parts.join(".");
  if (full.length <= IAM_ROLE_NAME_MAX) return full;
  const digest = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, IAM_ROLE_NAME_MAX - digest.length - 1).replace(/[.-]+$/, "")}.${digest}`;
}

/** The CI build role of one service repository. `service` is the service's stable key. */
export function buildRoleName(team: string, service: string): string {
  return iamRoleName(team, service, "build");
}

/** The deploy role of one service repository in one environment. `service` is the stable key. */
export function deployRoleName(team: string, environment: string, service: string): string {
  return iamRoleName(team, environment, service, "deploy");
}

/** The pull-request preview role of one service repository. `service` is the stable key. */
export function previewRoleName(team: string, service: string): string {
  return iamRoleName(team, service, "preview");
}

/**
 * The preview role of one service repository when previews run on a Kubernetes cluster. Its own
 * name: a team moving previews from a server environment to a cluster environment creates this
 * in another stack before the old role is destroyed, and IAM role names are unique per account.
 */
export function clusterPreviewRoleName(team: string, service: string): string {
  return iamRoleName(team, service, "cluster-preview");
}
