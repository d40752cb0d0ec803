/**
 * The one table of third-party actions the generated workflows may use, each pinned to the
 * full commit SHA of a release (OpenSSF Scorecard "Pinned-Dependencies"): a tag can be moved,
 * a commit cannot. The version is written beside the SHA as a comment in the YAML.
 *
 * Each SHA was checked against public workflows and runner logs that resolve the tag to it
 * (`Download action repository 'actions/setup-node@v4' (SHA:49933ea…)`). Everything else a
 * workflow needs — docker, the AWS CLI, gh, curl, jq — is preinstalled on GitHub's Ubuntu
 * runners and called from `run:` steps, so there is less third-party code to pin and trust.
 *
 * To upgrade: change `sha` and `version` together, to a SHA you have resolved from the tag.
 */

export interface PinnedAction {
  /** `owner/repo` (or `owner/repo/path`). */
  readonly repository: string;
  /** Full 40-hex commit SHA. */
  readonly sha: string;
  /** The release the SHA is, for people and Dependabot. */
  readonly version: string;
}

export const ACTIONS = {
  checkout: {
    repository: "actions/checkout",
    sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
    version: "v5.0.0",
  },
  setupNode: {
    repository: "actions/setup-node",
    sha: "49933ea5288caeca8642d1e84afbd3f7d6820020",
    version: "v4.4.0",
  },
  setupPython: {
    repository: "actions/setup-python",
    sha: "a26af69be951a213d495a4c3e4e4022e16d87065",
    version: "v5.6.0",
  },
  setupGo: {
    repository: "actions/setup-go",
    sha: "d35c59abb061a4a6fb18e82ac0862c26744d6ab5",
    version: "v5.5.0",
  },
  configureAwsCredentials: {
    repository: "aws-actions/configure-aws-credentials",
    sha: "b47578312673ae6fa5b5096b330d9fbac3d116df",
    version: "v4.2.1",
  },
} as const satisfies Record<string, PinnedAction>;

export type ActionName = keyof typeof ACTIONS;

/** `owner/repo@sha`: the value of a `uses:` key. */
export function usesRef(action: PinnedAction): string {
  return `${action.repository}@${action.sha}`;
}
