/**
 * The bootstrap (placeholder) image: build context, build arguments and tag, as pure functions.
 * The BootstrapImage component builds and pushes it with @pulumi/docker.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BOOTSTRAP_IMAGE_TAG_PREFIX } from "./names";

/** Directory holding Dockerfile, start.sh and index.html. */
export const BOOTSTRAP_CONTEXT = path.join(__dirname, "bootstrap-image");
const CONTEXT_FILES = ["Dockerfile", "start.sh", "index.html"];

/** Servers are Graviton (t4g): the placeholder must run on arm64. */
export const BOOTSTRAP_PLATFORM = "linux/arm64";

export interface BootstrapService {
  readonly name: string;
  readonly port: number;
  readonly healthCheckPath: string;
}

export function bootstrapBuildArgs(s: BootstrapService): Record<string, string> {
  return { SERVICE: s.name, PORT: String(s.port), HEALTH_PATH: s.healthCheckPath };
}

/**
 * `bootstrap-<hash of context and arguments>`: tags are immutable, so a changed placeholder
 * (a new port, a new page) gets a new tag instead of failing to overwrite the old one. No
 * lifecycle rule selects this prefix, so the placeholder stays available for new environments.
 */
export function bootstrapImageTag(s: BootstrapService): string {
  const hash = createHash("sha256");
  for (const file of CONTEXT_FILES)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(BOOTSTRAP_CONTEXT, file)));
  hash.update(JSON.stringify(bootstrapBuildArgs(s))).update(BOOTSTRAP_PLATFORM);
  return `${BOOTSTRAP_IMAGE_TAG_PREFIX}${hash.digest("hex").slice(0, 12)}`;
}
