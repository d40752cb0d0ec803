/**
 * A small typed model of a GitHub Actions workflow: just the keys the generators use, spelled
 * as GitHub spells them so the serialised document is the model itself.
 *
 * `uses:` takes a {@link PinnedAction} from the one table in `actions.ts`, never a string, so an
 * unpinned or hand-typed action reference cannot be expressed.
 */
import type { PinnedAction } from "./actions";

/** Token scopes the generated jobs ask for; nothing else is ever granted. */
/** `pull-requests`: the preview workflow's pull request comment only. */
export type PermissionScope = "contents" | "id-token" | "pull-requests";
export type PermissionLevel = "read" | "write";
/** `{}` means the job's token has no scopes at all. */
export type Permissions = Partial<Record<PermissionScope, PermissionLevel>>;

export type Scalar = string | number | boolean;

export interface Step {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: PinnedAction;
  readonly with?: Readonly<Record<string, Scalar>>;
  /** A bash script. It never contains `${{ }}`: every value reaches it through `env`. */
  readonly run?: string;
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly "continue-on-error"?: boolean;
  readonly "timeout-minutes"?: number;
}

export interface Concurrency {
  readonly group: string;
  readonly "cancel-in-progress": boolean;
}

export interface Job {
  /** The check-run name GitHub reports; for PR jobs these are the required status checks. */
  readonly name: string;
  readonly "runs-on": string;
  readonly needs?: readonly string[];
  readonly if?: string;
  readonly permissions: Permissions;
  /** Naming an environment makes the job's OIDC subject `environment:<name>`. */
  readonly environment?: { readonly name: string; readonly url?: string };
  readonly concurrency?: Concurrency;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly "timeout-minutes": number;
  readonly steps: readonly Step[];
}

export interface WorkflowDispatchInput {
  readonly description: string;
  readonly required: boolean;
  readonly type: "string" | "choice";
  readonly options?: readonly string[];
}

/** Pull request activity types the generated workflows listen to. */
export type PullRequestType = "opened" | "synchronize" | "reopened" | "edited" | "closed";

export interface Triggers {
  readonly pull_request?: {
    readonly types?: readonly PullRequestType[];
    /** @default every base branch (the preview workflow) */
    readonly branches?: readonly string[];
  };
  /** Cron schedules, UTC (the preview sweep). */
  readonly schedule?: readonly { readonly cron: string }[];
  readonly push?: { readonly branches?: readonly string[]; readonly tags?: readonly string[] };
  readonly workflow_dispatch?: { readonly inputs: Readonly<Record<string, WorkflowDispatchInput>> };
}

export interface Workflow {
  readonly name: string;
  readonly on: Triggers;
  /** Top level: `contents: read`; jobs widen only what they use. */
  readonly permissions: Permissions;
  readonly concurrency?: Concurrency;
  readonly defaults: { readonly run: { readonly shell: "bash" } };
  readonly jobs: Readonly<Record<string, Job>>;
}

/** A file the pipeline commits into a service repository. */
export interface PipelineFile {
  /** Stable key for resource names (`pull-request`, `deploy-staging`, `pre-commit`). */
  readonly key: string;
  /** Path in the repository. */
  readonly path: string;
  readonly content: string;
}
