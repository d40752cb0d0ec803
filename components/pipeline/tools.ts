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

/** A service's regression suite, run against staging after each deploy when present. */
export const REGRESSION_SUITE_PATH = "scripts/regression-suite.sh";
