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
  /** SonarQube/SonarCloud scanner for every language (npm `sonarqube-scanner`). */
  sonarScanner: "5.0.1",
  /** Node 24 LTS: the project's standard, supported until April 2028. */
  nodeVersion: "24",
  pythonVersion: "3.12",
} as const;

/** GitHub-hosted runner image: named, not `-latest`, so an image change is a reviewed diff. */
export const RUNNER = "ubuntu-24.04";
/**
 * GitHub's arm64 runner of the same image. Free and native for public repositories; private
 * repositories cannot use it on the free plans (they would need paid larger runners), so their
 * arm64 images are built on {@link RUNNER} under QEMU emulation instead.
 * https://docs.github.com/en/actions/using-github-hosted-runners/using-github-hosted-runners/about-github-hosted-runners#standard-github-hosted-runners-for-public-repositories
 */
export const ARM_RUNNER = "ubuntu-24.04-arm";

/** Where the test step writes its reports (JUnit, coverage), uploaded as `test-reports`. */
export const REPORT_DIR = "test-reports";

/** A service's regression suite, run against staging after each deploy when present. */
export const REGRESSION_SUITE_PATH = "scripts/regression-suite.sh";
