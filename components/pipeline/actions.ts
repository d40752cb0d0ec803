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
  // Resolved from the tags of the actions' own repositories (lightweight tags on these commits).
  setupQemu: {
    repository: "docker/setup-qemu-action",
    sha: "96fe6ef7f33517b61c61be40b68a1882f3264fb8",
    version: "v4.2.0",
  },
  setupBuildx: {
    repository: "docker/setup-buildx-action",
    sha: "37fe631027851001ddb9b187196cc803df7f5f0e",
    version: "v4.3.0",
  },
  uploadArtifact: {
    repository: "actions/upload-artifact",
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    version: "v7.0.0",
  },
  downloadArtifact: {
    repository: "actions/download-artifact",
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    version: "v8.0.1",
  },
} as const satisfies Record<string, PinnedAction>;

export type ActionName = keyof typeof ACTIONS;

/** `owner/repo@sha`: the value of a `uses:` key. */
export function usesRef(action: PinnedAction): string {
  return `${action.repository}@${action.sha}`;
}
