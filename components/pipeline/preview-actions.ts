/**
 * Actions the preview workflow needs beyond the table in actions.ts: building for arm64 on an
 * x86 runner (QEMU and Buildx). Pinned to the same commits as the pipeline's own build job uses
 * (h/pipeline's actions.ts); at merge these two entries belong in the one table there.
 */
import type { PinnedAction } from "./actions";

export const PREVIEW_ACTIONS = {
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
} as const satisfies Record<string, PinnedAction>;
