/**
 * Versions of the tools the generated `run:` steps install, pinned like the actions are:
 * a CI run next month installs what this one did. Language runtimes are the presets' defaults.
 */
export const TOOLS = {
  /** pre-commit itself (PyPI); the hooks' `rev`s are pinned in `precommit.ts`. */
  preCommit: "4.2.0",
  /** Node coverage for any test runner (`c8 --check-coverage`). */
  c8: "10.1.3",
  pytest: "8.3.4",
  pytestCov: "6.0.0",
  pipAudit: "2.7.3",
  govulncheck: "v1.1.4",
  nodeVersion: "22",
  pythonVersion: "3.12",
} as const;

/** GitHub-hosted runner image: named, not `-latest`, so an image change is a reviewed diff. */
export const RUNNER = "ubuntu-24.04";

/** The deploy agent the AWS side installs on every server (`deploy-agent deploy <service>`). */
export const DEPLOY_AGENT_COMMAND = "deploy-agent";

/** Build images are tagged with this prefix and the full commit SHA: `sha-<commit>`. */
export const BUILD_TAG_PREFIX = "sha-";
/** The exact rule for a build tag. */
export const BUILD_TAG_REGEX = `^${BUILD_TAG_PREFIX}[0-9a-f]{40}$`;

/** A service's regression suite, run against staging after each deploy when present. */
export const REGRESSION_SUITE_PATH = "scripts/regression-suite.sh";
