/**
 * The workflows of one service repository, as data, from the team spec and the release policy.
 *
 *  - `pull-request.yml`: lint (pre-commit), test (coverage threshold), build-image (no push),
 *    security-scan, and `pr-source` where a branch only takes pull requests from one branch.
 *    No secret, variable or OIDC token is used, so it behaves the same on a fork's PR.
 *  - `deploy-<environment>.yml`, one per deployment of the policy, triggered by its ref:
 *    exact regex guard → (build: checks, build once and push `sha-<commit>`) → deploy job
 *    in `environment: <name>` that promotes the image without rebuilding where the policy
 *    says so, writes the release parameter, runs the deploy agent over SSM, (production) tags
 *    the image `released-<version>` for the registry's lifecycle policy, smoke-tests and
 *    notifies → regression hook (staging) / GitHub release (production on a tag).
 *  - `rollback.yml`: workflow_dispatch (environment, version) → deploy an existing image (and
 *    mark it released when the environment is production).
 *
 * Every branch, tag, regex, check, variable and secret name comes from `components/release`.
 */
import {
  ENVIRONMENT_SECRETS,
  ENVIRONMENT_VARIABLES,
  OIDC_AUDIENCE,
  REPOSITORY_VARIABLES,
  STATUS_CHECKS,
  deploymentOf,
  type Deployment,
  type RefMatcher,
  type ReleasePolicy,
  BUILD_IMAGE_TAG_PREFIX,
  BUILD_IMAGE_TAG_REGEX,
  DEPLOY_AGENT_PATH,
  RELEASED_IMAGE_TAG_PREFIX,
} from "../release";
import type { ServiceSpec, TeamSpec } from "../team";
import { ACTIONS } from "./actions";
import type { Job, Permissions, Step, Workflow } from "./model";
import * as sh from "./scripts";
import { REGRESSION_SUITE_PATH, RUNNER, TOOLS } from "./tools";

// ---------------------------------------------------------------------------------------------
// Expressions: the only place `${{ }}` is written. They appear in `env:`, `with:`, `if:`,
// `environment` and `concurrency`, never inside a `run:` script.

const expr = (expression: string): string => `\${{ ${expression} }}`;
const variable = (name: string): string => expr(`vars.${name}`);
const secret = (name: string): string => expr(`secrets.${name}`);
/** A string literal inside an expression. */
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

const GUARD_DEPLOYS = "needs.guard.outputs.deploy == 'true'";

/** Deployments to one environment share one queue: two never run at once. */
export function concurrencyGroup(environment: string): string {
  return `deploy-${environment}`;
}

/** Workflow file paths in a service repository. */
export const WORKFLOW_DIR = ".github/workflows";
export const PULL_REQUEST_WORKFLOW = `${WORKFLOW_DIR}/pull-request.yml`;
export const ROLLBACK_WORKFLOW = `${WORKFLOW_DIR}/rollback.yml`;
export function deployWorkflowPath(environment: string): string {
  return `${WORKFLOW_DIR}/deploy-${environment}.yml`;
}

const READ: Permissions = { contents: "read" };
const NONE: Permissions = {};

function coverageThreshold(spec: TeamSpec, service: ServiceSpec): number {
  return service.coverageThreshold ?? spec.coverageThreshold;
}

// ---------------------------------------------------------------------------------------------
// Steps.

const checkout: Step = {
  name: "Check out",
  uses: ACTIONS.checkout,
  // The token stays out of .git/config: later steps cannot push with it by accident.
  with: { "persist-credentials": false },
};

function setupLanguage(service: ServiceSpec): Step[] {
  switch (service.language) {
    case "node":
      return [
        { name: "Set up Node.js", uses: ACTIONS.setupNode, with: { "node-version": TOOLS.nodeVersion } },
      ];
    case "python":
      return [
        { name: "Set up Python", uses: ACTIONS.setupPython, with: { "python-version": TOOLS.pythonVersion } },
      ];
    case "go":
      return [{ name: "Set up Go", uses: ACTIONS.setupGo, with: { "go-version-file": "go.mod" } }];
    case "generic":
      return [];
  }
}

function assumeRole(roleVariable: string): Step {
  return {
    name: "Assume the role (GitHub OIDC, no stored keys)",
    uses: ACTIONS.configureAwsCredentials,
    with: {
      "role-to-assume": variable(roleVariable),
      "aws-region": variable(REPOSITORY_VARIABLES.awsRegion),
      audience: OIDC_AUDIENCE,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Check jobs (pull requests, and again before a build).

function lintJob(service: ServiceSpec): Job {
  const steps: Step[] = [checkout, ...setupLanguage(service)];
  // Node hooks run the repository's own prettier and eslint.
  if (service.language === "node") steps.push({ name: "Install dependencies", run: sh.NPM_CI });
  if (service.language !== "python") {
    steps.push({
      name: "Set up Python (pre-commit)",
      uses: ACTIONS.setupPython,
      with: { "python-version": TOOLS.pythonVersion },
    });
  }
  steps.push({ name: "Run pre-commit hooks", run: sh.preCommitRun(TOOLS.preCommit) });
  return { name: STATUS_CHECKS.lint, "runs-on": RUNNER, permissions: READ, "timeout-minutes": 15, steps };
}

function testScript(service: ServiceSpec): string {
  const command = service.commands?.test;
  if (command) return sh.customCommand(command);
  switch (service.language) {
    case "node":
      return sh.nodeTest(TOOLS.c8);
    case "python":
      return sh.pythonTest(TOOLS.pytest, TOOLS.pytestCov);
    case "go":
      return sh.GO_TEST;
    case "generic":
      throw new Error(`services.${service.name}: a generic service needs commands.test`);
  }
}

function testJob(spec: TeamSpec, service: ServiceSpec): Job {
  return {
    name: STATUS_CHECKS.test,
    "runs-on": RUNNER,
    permissions: READ,
    "timeout-minutes": 30,
    steps: [
      checkout,
      ...setupLanguage(service),
      {
        name: "Unit tests with coverage",
        run: testScript(service),
        env: { COVERAGE_THRESHOLD: coverageThreshold(spec, service) },
      },
    ],
  };
}

function buildCheckJob(service: ServiceSpec): Job {
  return {
    name: STATUS_CHECKS.build,
    "runs-on": RUNNER,
    permissions: READ,
    "timeout-minutes": 30,
    steps: [
      checkout,
      {
        name: "Build the image (not pushed)",
        run: sh.DOCKER_BUILD_CHECK,
        env: { DOCKERFILE: service.dockerfile, IMAGE_NAME: service.name },
      },
    ],
  };
}

function securityScanJob(service: ServiceSpec): Job | undefined {
  let scan: Step;
  switch (service.language) {
    case "node":
      scan = { name: "Audit dependencies (npm audit)", run: sh.NPM_AUDIT };
      break;
    case "python":
      scan = { name: "Audit dependencies (pip-audit)", run: sh.pipAudit(TOOLS.pipAudit) };
      break;
    case "go":
      scan = { name: "Audit dependencies (govulncheck)", run: sh.govulncheck(TOOLS.govulncheck) };
      break;
    case "generic":
      return undefined;
  }
  return {
    name: "security-scan",
    "runs-on": RUNNER,
    permissions: READ,
    "timeout-minutes": 15,
    steps: [checkout, ...setupLanguage(service), scan],
  };
}

/** Fails a pull request into a promotion branch unless it comes from the allowed branch. */
function prSourceJob(policy: ReleasePolicy): Job | undefined {
  const restricted = policy.protectedBranches.filter((b) => b.sourceEnforcedByCheck);
  if (restricted.length === 0) return undefined;
  return {
    name: STATUS_CHECKS.prSource,
    "runs-on": RUNNER,
    permissions: NONE,
    "timeout-minutes": 5,
    steps: restricted.map((b) => ({
      name: `Pull requests into ${b.name} come from ${labels(b.pullRequestsFrom)}`,
      if: `github.base_ref == ${literal(b.name)}`,
      run: sh.PR_SOURCE,
      env: {
        BASE_REF: expr("github.base_ref"),
        HEAD_REF: expr("github.head_ref"),
        SOURCE_REGEX: eitherRegex(b.pullRequestsFrom.map((m) => m.regex)),
        SOURCE_LABEL: labels(b.pullRequestsFrom),
      },
    })),
  };
}

function labels(matchers: readonly RefMatcher[]): string {
  return matchers.map((m) => m.label).join(" or ");
}

/** Anchored regexes `^a$`, `^b$` → `(^a$)|(^b$)`: the same language in bash ERE, RE2 and JS. */
function eitherRegex(regexes: readonly string[]): string {
  return regexes.length === 1 ? regexes[0] : regexes.map((r) => `(${r})`).join("|");
}

export function pullRequestWorkflow(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy): Workflow {
  const jobs: Record<string, Job> = {
    [STATUS_CHECKS.lint]: lintJob(service),
    [STATUS_CHECKS.test]: testJob(spec, service),
    [STATUS_CHECKS.build]: buildCheckJob(service),
  };
  const scan = securityScanJob(service);
  if (scan) jobs["security-scan"] = scan;
  const source = prSourceJob(policy);
  if (source) jobs[STATUS_CHECKS.prSource] = source;
  return {
    name: "pull request",
    on: { pull_request: { branches: policy.protectedBranches.map((b) => b.name) } },
    permissions: READ,
    concurrency: { group: `pr-${expr("github.ref")}`, "cancel-in-progress": true },
    defaults: { run: { shell: "bash" } },
    jobs,
  };
}

// ---------------------------------------------------------------------------------------------
// Deployments.

function guardJob(policy: ReleasePolicy, d: Deployment): Job {
  const others = policy.deployments.filter((o) => o !== d && o.trigger.kind === d.trigger.kind);
  return {
    name: "guard",
    "runs-on": RUNNER,
    permissions: NONE,
    "timeout-minutes": 5,
    outputs: { deploy: expr("steps.guard.outputs.deploy"), version: expr("steps.guard.outputs.version") },
    steps: [
      {
        name: `Exact check: ${d.trigger.label}`,
        id: "guard",
        run: sh.GUARD,
        env: {
          REF_TYPE: expr("github.ref_type"),
          REF_NAME: expr("github.ref_name"),
          COMMIT_SHA: expr("github.sha"),
          TRIGGER_KIND: d.trigger.kind,
          TRIGGER_REGEX: d.trigger.regex,
          TRIGGER_LABEL: d.trigger.label,
          OTHER_REGEX: eitherRegex(others.map((o) => o.trigger.regex)),
          BUILD_IMAGE_TAG_PREFIX,
          TARGET_ENVIRONMENT: d.environment,
        },
      },
    ],
  };
}

function imageJob(service: ServiceSpec): Job {
  return {
    name: "build and push image",
    "runs-on": RUNNER,
    needs: ["guard", STATUS_CHECKS.lint, STATUS_CHECKS.test],
    if: GUARD_DEPLOYS,
    // The build role trusts this repository's build branches (OIDC subject ref:refs/heads/…).
    permissions: { contents: "read", "id-token": "write" },
    "timeout-minutes": 30,
    outputs: { digest: expr("steps.push.outputs.digest") },
    steps: [
      checkout,
      assumeRole(REPOSITORY_VARIABLES.buildRoleArn),
      {
        name: "Build once, push sha-<commit>",
        id: "push",
        run: sh.BUILD_AND_PUSH,
        env: {
          REGISTRY_URL: variable(REPOSITORY_VARIABLES.registryUrl),
          VERSION: expr("needs.guard.outputs.version"),
          DOCKERFILE: service.dockerfile,
          COMMIT_SHA: expr("github.sha"),
        },
      },
    ],
  };
}

/** The step that yields the digest to deploy (`steps.image.outputs.digest`). */
function imageStep(policy: ReleasePolicy, d: Deployment): Step {
  switch (d.artifact) {
    case "build":
      return {
        name: "Use the image built by this run",
        id: "image",
        run: sh.USE_BUILT_IMAGE,
        env: { BUILT_DIGEST: expr("needs.image.outputs.digest") },
      };
    case "promote-commit":
      return {
        name: "Promote the commit's image (no rebuild)",
        id: "image",
        run: sh.PROMOTE_COMMIT,
        env: { BUILD_IMAGE_TAG_PREFIX },
      };
    case "promote-merge-parent":
      return {
        name: "Promote the merged branch's image (no rebuild)",
        id: "image",
        run: sh.PROMOTE_MERGE_PARENT,
        env: { BUILD_IMAGE_TAG_PREFIX, GH_TOKEN: expr("github.token"), GH_REPO: expr("github.repository") },
      };
    case "promote-latest-rc": {
      const source = d.promotesFrom ? deploymentOf(policy, d.promotesFrom) : undefined;
      if (!source || source.trigger.kind !== "tag") {
        throw new Error(`${d.environment}: promote-latest-rc needs a tag-triggered source environment`);
      }
      return {
        name: `Promote the newest ${source.trigger.label} of this version (no rebuild)`,
        id: "image",
        run: sh.PROMOTE_LATEST_RC,
        env: { RC_REGEX: source.trigger.regex },
      };
    }
  }
}

function notificationSteps(spec: TeamSpec): Step[] {
  const steps: Step[] = [];
  const sentry = spec.notifications.sentry;
  if (sentry) {
    steps.push({
      name: "Sentry release and deploy markers",
      run: sh.SENTRY_MARKERS,
      // A marker that cannot be written must not turn a good deploy red.
      "continue-on-error": true,
      env: {
        SENTRY_TOKEN: secret(ENVIRONMENT_SECRETS.sentryAuthToken),
        SENTRY_URL: sentry.url,
        SENTRY_ORG: sentry.org,
        SENTRY_PROJECT: sentry.project,
        SENTRY_ENV: variable(ENVIRONMENT_VARIABLES.sentryEnvironment),
      },
    });
  }
  if (spec.notifications.slack) {
    for (const [outcome, condition] of [
      ["succeeded", "success()"],
      ["FAILED", "failure()"],
    ] as const) {
      steps.push({
        name: `Slack: ${outcome === "FAILED" ? "failure" : "success"}`,
        if: condition,
        run: sh.SLACK_NOTIFY,
        "continue-on-error": true,
        env: {
          SLACK_WEBHOOK: secret(ENVIRONMENT_SECRETS.slackWebhookUrl),
          OUTCOME: outcome,
          ACTOR: expr("github.actor"),
        },
      });
    }
  }
  return steps;
}

/**
 * Tags the digest production now runs `released-<version>`: the registry keeps the last N images
 * with that marker and no other rule can expire them (components/aws/lifecycle.ts). It runs once
 * the agent reports success on every server, so a release that failed its health check (the old
 * one kept serving) is not marked and expires with the other candidates; a failing smoke test
 * afterwards does not undo it, since production did run the image. Uses only ECR actions the
 * deploy role already has for promotion (DescribeImages, BatchGetImage, PutImage).
 */
function markReleasedStep(condition?: string): Step {
  return {
    name: `Mark the image as run by production (${RELEASED_IMAGE_TAG_PREFIX}<version>)`,
    ...(condition ? { if: condition } : {}),
    run: sh.MARK_RELEASED,
    env: { IMAGE_DIGEST: expr("steps.image.outputs.digest"), RELEASED_IMAGE_TAG_PREFIX },
  };
}

/**
 * The steps every deploy shares after the image is known: release parameter, deploy agent,
 * (production) the released marker, smoke test, notifications.
 */
function deploySteps(spec: TeamSpec, service: ServiceSpec, mark?: Step): Step[] {
  return [
    {
      name: "Write the release parameter (image by digest)",
      run: sh.WRITE_RELEASE_PARAMETER,
      env: {
        RELEASE_PARAMETER_NAME: variable(ENVIRONMENT_VARIABLES.releaseParameter),
        IMAGE_DIGEST: expr("steps.image.outputs.digest"),
      },
    },
    {
      name: "Run the deploy agent on the servers (SSM Run Command)",
      run: sh.RUN_DEPLOY_AGENT,
      env: {
        SERVER_INSTANCE_IDS: variable(ENVIRONMENT_VARIABLES.serverInstanceIds),
        AGENT_COMMAND: DEPLOY_AGENT_PATH,
        AGENT_ACTION: "deploy",
      },
    },
    ...(mark ? [mark] : []),
    {
      name: "Smoke test",
      run: sh.SMOKE_TEST,
      env: { HEALTH_PATH: service.healthCheckPath },
    },
    ...notificationSteps(spec),
  ];
}

/** Values every deploy step reads. */
function deployEnv(service: ServiceSpec, environment: string, version: string): Record<string, string> {
  return {
    SERVICE: service.name,
    TARGET_ENVIRONMENT: environment,
    VERSION: version,
    COMMIT_SHA: expr("github.sha"),
    REGISTRY_URL: variable(REPOSITORY_VARIABLES.registryUrl),
    PUBLIC_URL: variable(ENVIRONMENT_VARIABLES.publicUrl),
  };
}

function deployJob(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy, d: Deployment): Job {
  // Only the merge-parent promotion reads the repository (the merge commit's parents).
  const permissions: Permissions =
    d.artifact === "promote-merge-parent"
      ? { contents: "read", "id-token": "write" }
      : { "id-token": "write" };
  return {
    name: `deploy to ${d.environment}`,
    "runs-on": RUNNER,
    needs: d.artifact === "build" ? ["guard", "image"] : ["guard"],
    if: GUARD_DEPLOYS,
    // The OIDC subject becomes environment:<name>, the one the deploy role trusts; the
    // environment's reviewers and deployment policy gate the job.
    environment: { name: d.environment, url: variable(ENVIRONMENT_VARIABLES.publicUrl) },
    concurrency: { group: concurrencyGroup(d.environment), "cancel-in-progress": d.cancelInProgress },
    permissions,
    "timeout-minutes": 30,
    outputs: { url: variable(ENVIRONMENT_VARIABLES.publicUrl) },
    env: deployEnv(service, d.environment, expr("needs.guard.outputs.version")),
    steps: [
      assumeRole(ENVIRONMENT_VARIABLES.deployRoleArn),
      imageStep(policy, d),
      ...deploySteps(spec, service, d.role === "production" ? markReleasedStep() : undefined),
    ],
  };
}

function regressionJob(): Job {
  return {
    name: "regression suite",
    "runs-on": RUNNER,
    needs: ["guard", "deploy"],
    if: GUARD_DEPLOYS,
    permissions: READ,
    "timeout-minutes": 60,
    steps: [
      checkout,
      {
        name: "Regression suite against the deployed service",
        run: sh.REGRESSION_SUITE,
        env: { TARGET_URL: expr("needs.deploy.outputs.url"), REGRESSION_SUITE: REGRESSION_SUITE_PATH },
      },
    ],
  };
}

function githubReleaseJob(service: ServiceSpec): Job {
  return {
    name: "github release",
    "runs-on": RUNNER,
    needs: ["guard", "deploy"],
    if: GUARD_DEPLOYS,
    // The one job that writes to the repository: it creates the release.
    permissions: { contents: "write" },
    "timeout-minutes": 5,
    steps: [
      {
        name: "Create the GitHub release",
        run: sh.GITHUB_RELEASE,
        env: {
          GH_TOKEN: expr("github.token"),
          GH_REPO: expr("github.repository"),
          VERSION: expr("needs.guard.outputs.version"),
          SERVICE: service.name,
        },
      },
    ],
  };
}

export function deployWorkflow(
  spec: TeamSpec,
  service: ServiceSpec,
  policy: ReleasePolicy,
  d: Deployment,
): Workflow {
  const jobs: Record<string, Job> = { guard: guardJob(policy, d) };
  if (d.artifact === "build") {
    jobs[STATUS_CHECKS.lint] = lintJob(service);
    jobs[STATUS_CHECKS.test] = testJob(spec, service);
    jobs.image = imageJob(service);
  }
  jobs.deploy = deployJob(spec, service, policy, d);
  if (d.role === "staging") jobs.regression = regressionJob();
  if (d.role === "production" && d.trigger.kind === "tag") jobs["github-release"] = githubReleaseJob(service);

  const on =
    d.trigger.kind === "branch"
      ? { push: { branches: d.trigger.patterns } }
      : { push: { tags: d.trigger.patterns } };
  return {
    name: `deploy to ${d.environment}`,
    on,
    permissions: READ,
    defaults: { run: { shell: "bash" } },
    jobs,
  };
}

// ---------------------------------------------------------------------------------------------
// Rollback.

/**
 * A rollback deploys any release or build tag that exists. When it targets production it marks
 * the image too: an image production ran before already carries `released-<tag it ran as>` (and
 * rolling back to that tag finds the marker on the same digest: a no-op), but a candidate or
 * build production never ran would otherwise run there unmarked and expire with the candidates.
 * The marker names the tag the rollback asked for (`released-v1.2.2-rc.1` beside
 * `released-v1.2.2` on one digest is fine: the lifecycle rule counts images, not tags).
 * `deploy-agent rollback` on a server needs no marker: it returns to the release the server ran
 * before, which CI marked when it deployed it (or the never-expired bootstrap image).
 */
export function rollbackWorkflow(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy): Workflow {
  const environment = expr("inputs.environment");
  const regexes = [...policy.releaseTags.map((t) => t.regex), BUILD_IMAGE_TAG_REGEX];
  const production = policy.deployments.find((d) => d.role === "production");
  const mark = production
    ? markReleasedStep(`inputs.environment == ${literal(production.environment)}`)
    : undefined;
  const job: Job = {
    name: "rollback",
    "runs-on": RUNNER,
    environment: { name: environment, url: variable(ENVIRONMENT_VARIABLES.publicUrl) },
    // The same queue as the environment's deploys: a rollback never races a deploy.
    concurrency: { group: concurrencyGroup(environment), "cancel-in-progress": false },
    permissions: { "id-token": "write" },
    "timeout-minutes": 30,
    env: deployEnv(service, environment, expr("inputs.version")),
    steps: [
      assumeRole(ENVIRONMENT_VARIABLES.deployRoleArn),
      {
        name: "Check the version exists in the registry",
        id: "image",
        run: sh.FIND_VERSION,
        env: { VERSION_REGEXES: regexes.join("\n") },
      },
      ...deploySteps(spec, service, mark),
    ],
  };
  return {
    name: "rollback",
    on: {
      workflow_dispatch: {
        inputs: {
          environment: {
            description: "Environment to roll back",
            required: true,
            type: "choice",
            options: policy.deployments.map((d) => d.environment),
          },
          version: {
            description: `Image tag to run again: ${[...policy.releaseTags.map((t) => t.label), `build tag ${BUILD_IMAGE_TAG_PREFIX}<commit>`].join(", ")}`,
            required: true,
            type: "string",
          },
        },
      },
    },
    permissions: READ,
    defaults: { run: { shell: "bash" } },
    jobs: { rollback: job },
  };
}

// ---------------------------------------------------------------------------------------------

/** Every workflow of a service, keyed by its path in the repository. */
export function serviceWorkflows(
  spec: TeamSpec,
  service: ServiceSpec,
  policy: ReleasePolicy,
): Map<string, Workflow> {
  const files = new Map<string, Workflow>();
  files.set(PULL_REQUEST_WORKFLOW, pullRequestWorkflow(spec, service, policy));
  for (const d of policy.deployments)
    files.set(deployWorkflowPath(d.environment), deployWorkflow(spec, service, policy, d));
  files.set(ROLLBACK_WORKFLOW, rollbackWorkflow(spec, service, policy));
  return files;
}
