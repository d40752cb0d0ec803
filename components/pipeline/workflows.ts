/**
 * The workflows of one service repository, as data, from the team spec and the release policy.
 *
 *  - `pull-request.yml`: lint (pre-commit), test (coverage threshold, reports), build-image (for
 *    the runtime's platform, no push), security-scan, and `sonar` (the quality gate) when the spec
 *    sets `quality.sonar`. No secret, variable or OIDC token is used but Sonar's token.
 *  - `pull-request-source.yml`, where a branch only takes pull requests from one branch: the
 *    `pr-source` check, re-run when a pull request's base is changed (`edited`).
 *  - `deploy-<environment>.yml`, one per deployment of the policy, triggered by its ref, one run
 *    at a time per environment: guard (exact regex; a tag's commit must be on the policy's branch)
 *    → (build: checks, build once for the runtime's platform and push `sha-<commit>`) → deploy in
 *    `environment: <name>`: promote without rebuilding where the policy says so (production only
 *    what passed the environment before), deploy through the service's SSM document (on a
 *    `runtime: kubernetes` environment: set the Deployment's image by digest, wait for the
 *    rollout, undo a failed one), write the release parameter only after every server (or the
 *    rollout) succeeded, smoke test, (non-production) regression
 *    suite and the `passed-<env>-` marker, (production) the `released-` marker, Sentry
 *    → GitHub release (production on a tag) → one Slack report of the whole run.
 *  - `rollback.yml`: workflow_dispatch from the default branch (environment, version) → deploy an
 *    existing image (production: only one production ran before).
 *
 * Every branch, tag, regex, check, variable and secret name comes from `components/release`;
 * every `run:` is a script file in `scripts/` (see `scripts.ts`).
 */
import {
  DEPLOY_DOCUMENT_PARAMETERS,
  ENVIRONMENT_SECRETS,
  ENVIRONMENT_VARIABLES,
  OIDC_AUDIENCE,
  REPOSITORY_SECRETS,
  REPOSITORY_VARIABLES,
  STATUS_CHECKS,
  deploymentOf,
  dockerPlatform,
  fnmatch,
  buildReleaseName,
  imageArchitecture,
  passedTagPrefix,
  runningImageTagPrefix,
  type Architecture,
  type Deployment,
  type RefMatcher,
  type ReleasePolicy,
  BUILD_IMAGE_TAG_PREFIX,
  BUILD_IMAGE_TAG_REGEX,
  RELEASED_IMAGE_TAG_PREFIX,
} from "../release";
import type { ServiceSpec, TeamSpec } from "../team";
import { ACTIONS } from "./actions";
import { kubernetesDeploySteps } from "./kubernetes-steps";
import type { Job, Permissions, Step, Workflow } from "./model";
import { stepScript } from "./scripts";
import { ARM_RUNNER, REGRESSION_SUITE_PATH, REPORT_DIR, RUNNER, TOOLS } from "./tools";

// ---------------------------------------------------------------------------------------------
// Expressions: the only place `${{ }}` is written. They appear in `env:`, `with:`, `if:`,
// `environment` and `concurrency`, never inside a `run:` script.

const expr = (expression: string): string => `\${{ ${expression} }}`;
const variable = (name: string): string => expr(`vars.${name}`);
const secret = (name: string): string => expr(`secrets.${name}`);
/** A string literal inside an expression. */
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

const GUARD_DEPLOYS = "needs.guard.outputs.deploy == 'true'";

/**
 * Deployments to one environment share one queue, at workflow level (deploy and rollback
 * workflows of the repository): a run starts only when the previous one finished, so deploys
 * never land out of order. Never cancel-in-progress: a deploy stopped half-way is worse than a
 * late one. GitHub keeps one pending run per group; a newer one replaces it (the newest wins).
 */
export function concurrencyGroup(environment: string): string {
  return `deploy-${environment}`;
}

/** Workflow file paths in a service repository. */
export const WORKFLOW_DIR = ".github/workflows";
export const PULL_REQUEST_WORKFLOW = `${WORKFLOW_DIR}/pull-request.yml`;
export const PR_SOURCE_WORKFLOW = `${WORKFLOW_DIR}/pull-request-source.yml`;
export const ROLLBACK_WORKFLOW = `${WORKFLOW_DIR}/rollback.yml`;
export function deployWorkflowPath(environment: string): string {
  return `${WORKFLOW_DIR}/deploy-${environment}.yml`;
}

/** Seconds a promotion waits for the `sha-<commit>` image of a commit still being built. */
export const IMAGE_WAIT_SECONDS = 900;

const READ: Permissions = { contents: "read" };
const NONE: Permissions = {};

function coverageThreshold(spec: TeamSpec, service: ServiceSpec): number {
  return service.coverageThreshold ?? spec.coverageThreshold;
}

const run = (
  name: string,
  script: Parameters<typeof stepScript>[0],
  rest: Omit<Step, "name" | "run"> = {},
): Step => ({
  name,
  ...rest,
  run: stepScript(script),
});

// ---------------------------------------------------------------------------------------------
// Steps.

const checkout: Step = {
  name: "Check out",
  uses: ACTIONS.checkout,
  // The token stays out of .git/config: later steps cannot push with it by accident.
  with: { "persist-credentials": false },
};

/**
 * Language set-up. `cache` turns on the set-up action's dependency cache; it is on only in the
 * pull-request workflow: a cache restored into a job that builds and pushes a release image is a
 * poisoning path (zizmor `cache-poisoning`).
 */
function setupLanguage(service: ServiceSpec, cache: boolean): Step[] {
  switch (service.language) {
    case "node":
      return [
        {
          name: "Set up Node.js",
          uses: ACTIONS.setupNode,
          with: { "node-version": TOOLS.nodeVersion, ...(cache ? { cache: "npm" } : {}) },
        },
      ];
    case "python":
      return [
        {
          name: "Set up Python",
          uses: ACTIONS.setupPython,
          with: { "python-version": TOOLS.pythonVersion, ...(cache ? { cache: "pip" } : {}) },
        },
      ];
    case "go":
      return [
        {
          name: "Set up Go",
          uses: ACTIONS.setupGo,
          with: { "go-version-file": "go.mod", cache },
        },
      ];
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
// The platform an image is built for.

/**
 * Where and how a service's image is built for the team's architecture: natively on GitHub's
 * arm64 runner when the repository is public (free there), otherwise on the x86-64 runner, under
 * QEMU emulation when the target is arm64 (slower, but available on every plan).
 */
export interface BuildPlatform {
  readonly architecture: Architecture;
  readonly platform: string;
  readonly runner: string;
  readonly emulated: boolean;
}

export function buildPlatform(spec: TeamSpec, service: ServiceSpec): BuildPlatform {
  const architecture = imageArchitecture(spec);
  const native = architecture === "amd64" || service.visibility === "public";
  return {
    architecture,
    platform: dockerPlatform(architecture),
    runner: architecture === "arm64" && service.visibility === "public" ? ARM_RUNNER : RUNNER,
    emulated: !native,
  };
}

function buildxSteps(build: BuildPlatform): Step[] {
  if (!build.emulated) return [];
  return [
    {
      name: `Emulate ${build.architecture} (QEMU)`,
      uses: ACTIONS.setupQemu,
      with: { platforms: build.architecture },
    },
    { name: "Set up Docker Buildx", uses: ACTIONS.setupBuildx },
  ];
}

// ---------------------------------------------------------------------------------------------
// Check jobs (pull requests, and again before a build).

function lintJob(service: ServiceSpec, cache: boolean): Job {
  const steps: Step[] = [checkout, ...setupLanguage(service, cache)];
  // Node hooks run the repository's own prettier and eslint.
  if (service.language === "node") steps.push(run("Install dependencies", "npmCi"));
  if (service.language !== "python") {
    steps.push({
      name: "Set up Python (pre-commit)",
      uses: ACTIONS.setupPython,
      with: { "python-version": TOOLS.pythonVersion },
    });
  }
  steps.push(run("Run pre-commit hooks", "preCommit", { env: { PRE_COMMIT_VERSION: TOOLS.preCommit } }));
  return { name: STATUS_CHECKS.lint, "runs-on": RUNNER, permissions: READ, "timeout-minutes": 15, steps };
}

function testStep(spec: TeamSpec, service: ServiceSpec): Step {
  const env = { COVERAGE_THRESHOLD: coverageThreshold(spec, service), REPORT_DIR };
  const command = service.commands?.test;
  const name = "Unit tests with coverage";
  if (command) return run(name, "serviceCommand", { env: { ...env, SERVICE_COMMAND: command } });
  switch (service.language) {
    case "node":
      return run(name, "nodeTest", { env: { ...env, C8_VERSION: TOOLS.c8 } });
    case "python":
      return run(name, "pythonTest", {
        env: { ...env, PYTEST_VERSION: TOOLS.pytest, PYTEST_COV_VERSION: TOOLS.pytestCov },
      });
    case "go":
      return run(name, "goTest", { env });
    case "generic":
      throw new Error(`services.${service.name}: a generic service needs commands.test`);
  }
}

function testJob(spec: TeamSpec, service: ServiceSpec, cache: boolean): Job {
  return {
    name: STATUS_CHECKS.test,
    "runs-on": RUNNER,
    permissions: READ,
    "timeout-minutes": 30,
    steps: [
      checkout,
      ...setupLanguage(service, cache),
      testStep(spec, service),
      run("Test report in the job summary", "testSummary", {
        if: "always()",
        env: { REPORT_DIR, COVERAGE_THRESHOLD: coverageThreshold(spec, service) },
      }),
      {
        name: "Upload test reports",
        if: "always()",
        uses: ACTIONS.uploadArtifact,
        with: { name: "test-reports", path: REPORT_DIR, "if-no-files-found": "ignore", "retention-days": 14 },
      },
    ],
  };
}

function buildCheckJob(spec: TeamSpec, service: ServiceSpec): Job {
  const build = buildPlatform(spec, service);
  return {
    name: STATUS_CHECKS.build,
    "runs-on": build.runner,
    permissions: READ,
    "timeout-minutes": 30,
    steps: [
      checkout,
      ...buildxSteps(build),
      run(`Build the image for ${build.platform} (not pushed)`, "dockerBuildCheck", {
        env: { DOCKERFILE: service.dockerfile, IMAGE_NAME: service.name, DOCKER_PLATFORM: build.platform },
      }),
    ],
  };
}

function securityScanJob(service: ServiceSpec): Job | undefined {
  let scan: Step;
  switch (service.language) {
    case "node":
      scan = run("Audit dependencies (npm audit)", "npmAudit");
      break;
    case "python":
      scan = run("Audit dependencies (pip-audit)", "pipAudit", {
        env: { PIP_AUDIT_VERSION: TOOLS.pipAudit },
      });
      break;
    case "go":
      scan = run("Audit dependencies (govulncheck)", "govulncheck", {
        env: { GOVULNCHECK_VERSION: TOOLS.govulncheck },
      });
      break;
    case "generic":
      return undefined;
  }
  return {
    name: "security-scan",
    "runs-on": RUNNER,
    permissions: READ,
    "timeout-minutes": 15,
    steps: [checkout, ...setupLanguage(service, true), scan],
  };
}

/** SonarQube/SonarCloud analysis with the test job's coverage; its quality gate is the check. */
function sonarJob(spec: TeamSpec, service: ServiceSpec): Job | undefined {
  const sonar = spec.quality.sonar;
  if (!sonar) return undefined;
  return {
    name: STATUS_CHECKS.sonar,
    "runs-on": RUNNER,
    needs: [STATUS_CHECKS.test],
    permissions: READ,
    "timeout-minutes": 20,
    steps: [
      // Full history: Sonar tells new code from old by blame.
      { ...checkout, with: { "persist-credentials": false, "fetch-depth": 0 } },
      {
        name: "Download the test reports",
        uses: ACTIONS.downloadArtifact,
        // A service whose own test command writes no reports is analysed without coverage.
        "continue-on-error": true,
        with: { name: "test-reports", path: REPORT_DIR },
      },
      run("Analyse and wait for the quality gate", "sonarScan", {
        env: {
          SONAR_TOKEN: secret(REPOSITORY_SECRETS.sonarToken),
          SONAR_HOST_URL: sonar.hostUrl,
          SONAR_PROJECT_KEY: `${sonar.projectKeyPrefix ?? `${spec.name}-`}${service.name}`,
          ...(sonar.organization ? { SONAR_ORGANIZATION: sonar.organization } : {}),
          SONAR_SCANNER_VERSION: TOOLS.sonarScanner,
          REPORT_DIR,
        },
      }),
    ],
  };
}

export function pullRequestWorkflow(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy): Workflow {
  const jobs: Record<string, Job> = {
    [STATUS_CHECKS.lint]: lintJob(service, true),
    [STATUS_CHECKS.test]: testJob(spec, service, true),
    [STATUS_CHECKS.build]: buildCheckJob(spec, service),
  };
  const scan = securityScanJob(service);
  if (scan) jobs["security-scan"] = scan;
  const sonar = sonarJob(spec, service);
  if (sonar) jobs[STATUS_CHECKS.sonar] = sonar;
  return {
    name: "pull request",
    on: { pull_request: { branches: policy.protectedBranches.map((b) => b.name) } },
    permissions: READ,
    concurrency: { group: `pr-${expr("github.ref")}`, "cancel-in-progress": true },
    defaults: { run: { shell: "bash" } },
    jobs,
  };
}

/**
 * Fails a pull request into a promotion branch unless it comes from the allowed branch of this
 * repository. Its own workflow, so that `edited` (a changed base branch re-runs it: retargeting
 * a pull request must not keep a result computed for the old base) does not re-run the tests on
 * every title edit.
 */
export function prSourceWorkflow(policy: ReleasePolicy): Workflow | undefined {
  const restricted = policy.protectedBranches.filter((b) => b.sourceEnforcedByCheck);
  if (restricted.length === 0) return undefined;
  const job: Job = {
    name: STATUS_CHECKS.prSource,
    "runs-on": RUNNER,
    permissions: NONE,
    "timeout-minutes": 5,
    steps: restricted.map((b) =>
      run(`Pull requests into ${b.name} come from ${labels(b.pullRequestsFrom)}`, "prSource", {
        if: `github.base_ref == ${literal(b.name)}`,
        env: {
          BASE_REF: expr("github.base_ref"),
          HEAD_REF: expr("github.head_ref"),
          HEAD_REPOSITORY: expr("github.event.pull_request.head.repo.full_name"),
          REPOSITORY: expr("github.repository"),
          SOURCE_REGEX: eitherRegex(b.pullRequestsFrom.map((m) => m.regex)),
          SOURCE_LABEL: labels(b.pullRequestsFrom),
        },
      }),
    ),
  };
  return {
    name: "pull request source",
    on: {
      pull_request: {
        types: ["opened", "synchronize", "reopened", "edited"],
        branches: restricted.map((b) => b.name),
      },
    },
    permissions: READ,
    concurrency: { group: `pr-source-${expr("github.ref")}`, "cancel-in-progress": true },
    defaults: { run: { shell: "bash" } },
    jobs: { [STATUS_CHECKS.prSource]: job },
  };
}

function labels(matchers: readonly RefMatcher[]): string {
  return matchers.map((m) => m.label).join(" or ");
}

/** Anchored regexes `^a$`, `^b$` → `(^a$)|(^b$)`: the same language in bash ERE, RE2 and JS. */
function eitherRegex(regexes: readonly string[]): string {
  return regexes.length === 1 ? regexes[0] : regexes.map((r) => `(${r})`).join("|");
}

// ---------------------------------------------------------------------------------------------
// Deployments.

function guardJob(policy: ReleasePolicy, d: Deployment): Job {
  const others = policy.deployments.filter((o) => o !== d && o.trigger.kind === d.trigger.kind);
  // The policy's one answer to "which branch must the tagged commit be on" (undefined for
  // branch triggers: a push to the branch is on it by definition).
  const branch = d.requiredAncestorBranch;
  return {
    name: "guard",
    "runs-on": RUNNER,
    permissions: branch ? READ : NONE,
    "timeout-minutes": 5,
    outputs: { deploy: expr("steps.guard.outputs.deploy"), version: expr("steps.guard.outputs.version") },
    steps: [
      // A tag's commit is checked against the branch's history: every branch and tag is fetched.
      ...(branch ? [{ ...checkout, with: { "persist-credentials": false, "fetch-depth": 0 } }] : []),
      run(`Exact check: ${d.trigger.label}${branch ? ` on ${branch}` : ""}`, "guard", {
        id: "guard",
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
          ...(branch ? { REQUIRED_ANCESTOR_BRANCH: branch } : {}),
        },
      }),
    ],
  };
}

function imageJob(spec: TeamSpec, service: ServiceSpec): Job {
  const build = buildPlatform(spec, service);
  return {
    name: "build and push image",
    "runs-on": build.runner,
    needs: ["guard", STATUS_CHECKS.lint, STATUS_CHECKS.test],
    if: GUARD_DEPLOYS,
    // The build role trusts this repository's build branches (OIDC subject ref:refs/heads/…).
    permissions: { contents: "read", "id-token": "write" },
    "timeout-minutes": 30,
    outputs: { digest: expr("steps.push.outputs.digest") },
    steps: [
      checkout,
      ...buildxSteps(build),
      assumeRole(REPOSITORY_VARIABLES.buildRoleArn),
      run(`Build once for ${build.platform}, push sha-<commit>`, "buildAndPush", {
        id: "push",
        env: {
          REGISTRY_URL: variable(REPOSITORY_VARIABLES.registryUrl),
          VERSION: expr("needs.guard.outputs.version"),
          DOCKERFILE: service.dockerfile,
          COMMIT_SHA: expr("github.sha"),
          DOCKER_PLATFORM: build.platform,
        },
      }),
    ],
  };
}

/**
 * The environment whose `passed-` marker a production promotion requires: the one it promotes
 * from, else the staging-role environment (staging-branch: production promotes the merged
 * `staging` head, which the staging environment built and tested). None without either.
 */
function passedSource(policy: ReleasePolicy, d: Deployment): string | undefined {
  if (d.role !== "production" || d.artifact === "build") return undefined;
  if (d.promotesFrom) return deploymentOf(policy, d.promotesFrom).environment;
  return policy.deployments.find((x) => x.role === "staging")?.environment;
}

function passedEnv(policy: ReleasePolicy, d: Deployment): Record<string, string> {
  const source = passedSource(policy, d);
  return source ? { REQUIRE_PASSED_PREFIX: passedTagPrefix(source), PASSED_ENVIRONMENT: source } : {};
}

/** The step that yields the digest to deploy and its build commit (`steps.image.outputs.*`). */
function imageStep(policy: ReleasePolicy, d: Deployment): Step {
  switch (d.artifact) {
    case "build":
      return run("Use the image built by this run", "useBuiltImage", {
        id: "image",
        env: { BUILT_DIGEST: expr("needs.image.outputs.digest") },
      });
    case "promote-commit":
      return run("Promote the commit's image (no rebuild)", "promoteCommit", {
        id: "image",
        env: { BUILD_IMAGE_TAG_PREFIX, IMAGE_WAIT_SECONDS, ...passedEnv(policy, d) },
      });
    case "promote-merge-parent":
      return run("Promote the merged branch's image (no rebuild)", "promoteMergeParent", {
        id: "image",
        env: {
          BUILD_IMAGE_TAG_PREFIX,
          IMAGE_WAIT_SECONDS,
          GH_TOKEN: expr("github.token"),
          GH_REPO: expr("github.repository"),
          ...passedEnv(policy, d),
        },
      });
    case "promote-latest-rc": {
      const source = d.promotesFrom ? deploymentOf(policy, d.promotesFrom) : undefined;
      if (!source || source.trigger.kind !== "tag") {
        throw new Error(`${d.environment}: promote-latest-rc needs a tag-triggered source environment`);
      }
      return run(
        `Promote the ${source.trigger.label} of this commit that passed ${source.environment}`,
        "promoteRelease",
        {
          id: "image",
          env: {
            RC_REGEX: source.trigger.regex,
            BUILD_IMAGE_TAG_PREFIX,
            REQUIRE_PASSED_PREFIX: passedTagPrefix(source.environment),
            PASSED_ENVIRONMENT: source.environment,
          },
        },
      );
    }
  }
}

/** `<service>@<commit the image was built from>`: one Sentry release per build. */
function sentryRelease(service: ServiceSpec): string {
  return buildReleaseName(service.name, expr("steps.image.outputs.commit"));
}

function sentryStep(spec: TeamSpec, service: ServiceSpec): Step[] {
  const sentry = spec.notifications.sentry;
  if (!sentry) return [];
  return [
    run("Sentry: the build's release and this environment's deploy", "sentryRelease", {
      // A marker that cannot be written must not turn a good deploy red.
      "continue-on-error": true,
      env: {
        SENTRY_TOKEN: secret(ENVIRONMENT_SECRETS.sentryAuthToken),
        SENTRY_URL: sentry.url,
        SENTRY_ORG: sentry.org,
        SENTRY_PROJECT: sentry.project,
        SENTRY_ENV: variable(ENVIRONMENT_VARIABLES.sentryEnvironment),
        SENTRY_RELEASE: sentryRelease(service),
        RELEASE_COMMIT: expr("steps.image.outputs.commit"),
      },
    }),
  ];
}

/**
 * Tags the digest `<prefix><version>`: `released-` in production (the registry keeps the last N
 * images with it, and a production rollback accepts only them), `passed-<env>-` elsewhere (the
 * next environment promotes only them). Uses only the ECR actions the deploy role has for
 * promotion (DescribeImages, BatchGetImage, PutImage).
 */
function markStep(name: string, prefix: string): Step {
  return run(name, "markImage", {
    env: { IMAGE_DIGEST: expr("steps.image.outputs.digest"), MARK_TAG_PREFIX: prefix },
  });
}

/**
 * `running-<environment>.<version>` on the digest every server now runs (the server runtime's
 * contract): the registry keeps the newest few per environment whatever their age, so what an
 * environment runs and can roll back to never expires.
 */
function runningStep(environment: string): Step {
  return markStep(`Mark the image as running in ${environment}`, runningImageTagPrefix(environment));
}

/** Deploys `steps.image.outputs.digest` and writes the release parameter after success. */
function deployStep(service: ServiceSpec): Step {
  return run("Deploy on every server (SSM deploy document), then record the release", "deploy", {
    env: {
      SERVER_INSTANCE_IDS: variable(ENVIRONMENT_VARIABLES.serverInstanceIds),
      DEPLOY_DOCUMENT: variable(ENVIRONMENT_VARIABLES.deployDocument),
      DOCUMENT_IMAGE_PARAMETER: DEPLOY_DOCUMENT_PARAMETERS.image,
      DOCUMENT_RELEASE_PARAMETER: DEPLOY_DOCUMENT_PARAMETERS.release,
      IMAGE_DIGEST: expr("steps.image.outputs.digest"),
      SENTRY_RELEASE: sentryRelease(service),
      RELEASE_PARAMETER_NAME: variable(ENVIRONMENT_VARIABLES.releaseParameter),
    },
  });
}

/**
 * The Kubernetes runtime's counterpart of {@link deployStep}: set the Deployment's image by
 * digest, wait for the rollout (undo to the previous ReplicaSet on failure), then write the
 * release parameter as the server runtime does, only after success. kubectl is the one
 * preinstalled on GitHub's ubuntu-24.04 runner image (listed under "Tools" in
 * https://github.com/actions/runner-images/blob/main/images/ubuntu/Ubuntu2404-Readme.md), so no
 * third-party action is added; AWS_REGION (EKS token) comes from configure-aws-credentials.
 * `condition` runs them only on the Kubernetes environments of a rollback that serves all.
 */
function kubernetesSteps(action: "deploy" | "rollback", condition?: string): Step[] {
  return [
    ...kubernetesDeploySteps({ action, condition }),
    run("Record the release (after the rollout succeeded)", "recordRelease", {
      ...(condition ? { if: condition } : {}),
      env: {
        IMAGE_DIGEST: expr("steps.image.outputs.digest"),
        RELEASE_PARAMETER_NAME: variable(ENVIRONMENT_VARIABLES.releaseParameter),
      },
    }),
  ];
}

/** The names of the spec's environments that run on Kubernetes. */
export function kubernetesEnvironments(spec: TeamSpec): string[] {
  return spec.environments.filter((e) => e.runtime === "kubernetes").map((e) => e.name);
}

function smokeStep(service: ServiceSpec): Step {
  return run("Smoke test", "smokeTest", { env: { HEALTH_PATH: service.healthCheckPath } });
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
  const production = d.role === "production";
  // The checks before the passed marker: the regression suite in staging.
  const regression: Step[] =
    d.role === "staging"
      ? [
          checkout,
          run("Regression suite against the deployed service", "regressionSuite", {
            env: {
              TARGET_URL: variable(ENVIRONMENT_VARIABLES.publicUrl),
              REGRESSION_SUITE: REGRESSION_SUITE_PATH,
            },
          }),
        ]
      : [];
  // Reading the repository: the regression suite's checkout, the merge commit's parents.
  const reads = regression.length > 0 || d.artifact === "promote-merge-parent";
  return {
    name: `deploy to ${d.environment}`,
    "runs-on": RUNNER,
    needs: d.artifact === "build" ? ["guard", "image"] : ["guard"],
    if: GUARD_DEPLOYS,
    // The OIDC subject becomes environment:<name>, the one the deploy role trusts; the
    // environment's reviewers and deployment policy gate the job.
    environment: { name: d.environment, url: variable(ENVIRONMENT_VARIABLES.publicUrl) },
    permissions: reads ? { contents: "read", "id-token": "write" } : { "id-token": "write" },
    "timeout-minutes": 60,
    outputs: { url: variable(ENVIRONMENT_VARIABLES.publicUrl) },
    env: deployEnv(service, d.environment, expr("needs.guard.outputs.version")),
    steps: [
      assumeRole(ENVIRONMENT_VARIABLES.deployRoleArn),
      imageStep(policy, d),
      ...(kubernetesEnvironments(spec).includes(d.environment)
        ? kubernetesSteps("deploy")
        : [deployStep(service)]),
      runningStep(d.environment),
      ...(production
        ? [
            markStep(
              `Mark the image as run by production (${RELEASED_IMAGE_TAG_PREFIX}<version>)`,
              RELEASED_IMAGE_TAG_PREFIX,
            ),
          ]
        : []),
      smokeStep(service),
      ...regression,
      ...(production
        ? []
        : [
            markStep(
              `Mark the image as passed ${d.environment} (${passedTagPrefix(d.environment)}<version>)`,
              passedTagPrefix(d.environment),
            ),
          ]),
      ...sentryStep(spec, service),
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
      run("Create the GitHub release", "githubRelease", {
        env: {
          GH_TOKEN: expr("github.token"),
          GH_REPO: expr("github.repository"),
          VERSION: expr("needs.guard.outputs.version"),
          SERVICE: service.name,
        },
      }),
    ],
  };
}

/**
 * The last job of a deploy or rollback run: one Slack report of every job's result, whatever
 * happened before (`if: always()`). Only with `notifications.slack` in the spec.
 */
function notifyJob(
  spec: TeamSpec,
  service: ServiceSpec,
  needs: readonly string[],
  environment: string,
  version: string,
): Job | undefined {
  const slack = spec.notifications.slack;
  if (!slack) return undefined;
  return {
    name: "notify",
    "runs-on": RUNNER,
    needs,
    if: "always()",
    permissions: NONE,
    "timeout-minutes": 5,
    steps: [
      run("Report the run to Slack", "notifySlack", {
        env: {
          SLACK_WEBHOOK: secret(REPOSITORY_SECRETS.slackWebhookUrl),
          SLACK_CHANNEL: slack.channel,
          NEEDS_JSON: expr("toJSON(needs)"),
          WORKFLOW_NAME: expr("github.workflow"),
          SERVICE: service.name,
          TARGET_ENVIRONMENT: environment,
          VERSION: version,
          REF_NAME: expr("github.ref_name"),
          ACTOR: expr("github.actor"),
        },
      }),
    ],
  };
}

/**
 * The push filter of a deployment: its trigger's patterns, then `!<pattern>` for every other
 * deployment of the same kind, so that (in trunk) an rc tag, which `v[0-9]*.[0-9]*.[0-9]*` also
 * matches, does not start the production workflow at all. GitHub applies the patterns in order,
 * a later `!` excluding what an earlier pattern matched
 * (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#filter-pattern-cheat-sheet).
 * A run that starts only to hand the ref over would still take the environment's concurrency
 * slot and could replace a real deploy pending there. No ref the exact rule admits is excluded:
 * the other deployments' patterns carry a part (`-rc.`) this one's regex refuses (tested).
 */
export function triggerPatterns(policy: ReleasePolicy, d: Deployment): string[] {
  const own = d.trigger.patterns;
  // Another deployment's pattern is excluded when it is narrower than ours: ours matches a name
  // of its, and it matches none of ours.
  const narrower = policy.deployments
    .filter((o) => o !== d && o.trigger.kind === d.trigger.kind)
    .flatMap((o) => o.trigger.patterns)
    .filter(
      (p) =>
        own.some((q) => fnmatch(q, samplePatternName(p))) &&
        !own.some((q) => fnmatch(p, samplePatternName(q))),
    );
  return [...own, ...narrower.map((p) => `!${p}`)];
}

/** A name a pattern matches: `v[0-9]*.[0-9]*` → `v1.1`. */
function samplePatternName(pattern: string): string {
  return pattern
    .replace(/\[([^\]])[^\]]*\]\*/g, "$11")
    .replace(/\[([^\]])[^\]]*\]/g, "$1")
    .replace(/\*\*?|\?/g, "x");
}

export function deployWorkflow(
  spec: TeamSpec,
  service: ServiceSpec,
  policy: ReleasePolicy,
  d: Deployment,
): Workflow {
  const jobs: Record<string, Job> = { guard: guardJob(policy, d) };
  if (d.artifact === "build") {
    jobs[STATUS_CHECKS.lint] = lintJob(service, false);
    jobs[STATUS_CHECKS.test] = testJob(spec, service, false);
    jobs.image = imageJob(spec, service);
  }
  jobs.deploy = deployJob(spec, service, policy, d);
  if (d.role === "production" && d.trigger.kind === "tag") jobs["github-release"] = githubReleaseJob(service);
  const notify = notifyJob(
    spec,
    service,
    Object.keys(jobs),
    d.environment,
    expr("needs.guard.outputs.version"),
  );
  if (notify) jobs.notify = notify;

  const patterns = triggerPatterns(policy, d);
  const on = d.trigger.kind === "branch" ? { push: { branches: patterns } } : { push: { tags: patterns } };
  return {
    name: `deploy to ${d.environment}`,
    on,
    permissions: READ,
    concurrency: { group: concurrencyGroup(d.environment), "cancel-in-progress": false },
    defaults: { run: { shell: "bash" } },
    jobs,
  };
}

// ---------------------------------------------------------------------------------------------
// Rollback.

/**
 * A rollback runs an image that exists again, dispatched from the default branch for every
 * environment (so it always runs the current `rollback.yml`, never an old tag's copy): each
 * environment's deployment policy admits the policy's `rollbackBranch` (the default branch).
 * What bounds it, since any writer may dispatch it and only production has reviewers: it runs
 * only a digest the target environment ran before — production one with a `released-…` tag,
 * every other environment one with its own `running-<environment>.…` marker (written only after
 * every server of that environment reported success). So a rollback into staging cannot pick a
 * build that never reached staging, and it never adds a `passed-` marker: nothing it runs
 * becomes promotable. `deploy-agent rollback` on a server returns to the release it ran before.
 */
/**
 * The rollback's deploy steps by the chosen environment's runtime: one workflow serves every
 * environment, so on a mixed team each runtime's steps run `if:` the input names one of its
 * environments (exactly one of the two sets runs).
 */
function rollbackDeploySteps(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy): Step[] {
  const all = policy.deployments.map((d) => d.environment);
  const kube = kubernetesEnvironments(spec).filter((e) => all.includes(e));
  if (kube.length === 0) return [deployStep(service)];
  if (kube.length === all.length) return kubernetesSteps("rollback");
  const onKube = kube.map((e) => `inputs.environment == ${literal(e)}`).join(" || ");
  return [{ ...deployStep(service), if: `!(${onKube})` }, ...kubernetesSteps("rollback", onKube)];
}

export function rollbackWorkflow(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy): Workflow {
  const environment = expr("inputs.environment");
  const regexes = [...policy.releaseTags.map((t) => t.regex), BUILD_IMAGE_TAG_REGEX];
  const production = policy.deployments.find((d) => d.role === "production");
  const defaultRef = `refs/heads/${policy.defaultBranch}`;
  const jobs: Record<string, Job> = {
    rollback: {
      name: "rollback",
      "runs-on": RUNNER,
      // Only the default branch's copy of this workflow may roll back: a copy on a work branch
      // could change what it deploys (the environments' policies refuse it too).
      if: `github.ref == ${literal(defaultRef)}`,
      environment: { name: environment, url: variable(ENVIRONMENT_VARIABLES.publicUrl) },
      permissions: { "id-token": "write" },
      "timeout-minutes": 30,
      env: deployEnv(service, environment, expr("inputs.version")),
      steps: [
        assumeRole(ENVIRONMENT_VARIABLES.deployRoleArn),
        run("Check the version is one this environment ran before", "findVersion", {
          id: "image",
          env: {
            VERSION_REGEXES: regexes.join("\n"),
            REQUIRE_RELEASED: production
              ? expr(`inputs.environment == ${literal(production.environment)}`)
              : "false",
            RELEASED_IMAGE_TAG_PREFIX,
            RUNNING_IMAGE_TAG_PREFIX: runningImageTagPrefix(environment),
            BUILD_IMAGE_TAG_PREFIX,
          },
        }),
        ...rollbackDeploySteps(spec, service, policy),
        runningStep(environment),
        smokeStep(service),
        ...sentryStep(spec, service),
      ],
    },
  };
  const notify = notifyJob(spec, service, ["rollback"], environment, expr("inputs.version"));
  if (notify) jobs.notify = notify;
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
    // The same queue as the environment's deploys: a rollback never races a deploy.
    concurrency: { group: concurrencyGroup(environment), "cancel-in-progress": false },
    defaults: { run: { shell: "bash" } },
    jobs,
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
  const source = prSourceWorkflow(policy);
  if (source) files.set(PR_SOURCE_WORKFLOW, source);
  for (const d of policy.deployments)
    files.set(deployWorkflowPath(d.environment), deployWorkflow(spec, service, policy, d));
  files.set(ROLLBACK_WORKFLOW, rollbackWorkflow(spec, service, policy));
  return files;
}
