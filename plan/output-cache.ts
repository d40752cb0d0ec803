/**
 * Remembers a stack's outputs on disk, so an environment stack planned on its own reads the
 * shared stack's outputs instead of planning the shared stack again. An entry is keyed by
 * everything the outputs depend on: the stack's full config (spec and overrides included), the
 * known facts, and the program itself (size and modification time of every file of stacks/,
 * components/, plan/ and policy/ beside this one). Anything else changes the key; a key is never
 * trusted for a program passed in by a caller (tests), which the fingerprint cannot see.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ReferencedOutputs } from "./mock-engine";

/** Where the CLI keeps entries: one small JSON file per (stack, config, program). */
export const DEFAULT_CACHE_DIR = path.join(os.tmpdir(), "delivery-workflow-plan-cache");
const PROGRAM_DIRS = ["stacks", "components", "plan", "policy"];

let programFingerprint: string | undefined;
function fingerprintProgram(): string {
  if (programFingerprint) return programFingerprint;
  const root = path.resolve(__dirname, "..");
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) {
        const st = fs.statSync(file);
        hash.update(`${path.relative(root, file)} ${st.size} ${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of PROGRAM_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  programFingerprint = hash.digest("hex");
  return programFingerprint;
}

export class OutputCache {
  constructor(private readonly dir: string) {}

  /** The key of a stack's outputs planned with this config and facts. */
  key(stack: string, config: Readonly<Record<string, string>>, facts: unknown): string {
    const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
    return createHash("sha256")
      .update(JSON.stringify({ stack, config: sorted, facts, program: fingerprintProgram() }))
      .digest("hex");
  }

  get(key: string): ReferencedOutputs | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, `${key}.json`), "utf8")) as ReferencedOutputs;
    } catch {
      return undefined;
    }
  }

  /** Writes an entry; a cache that cannot be written only costs time. */
  set(key: string, outputs: ReferencedOutputs): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(this.dir, `${key}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, JSON.stringify(outputs), { mode: 0o600 });
      fs.renameSync(tmp, path.join(this.dir, `${key}.json`));
    } catch {
      // ignored: see above
    }
  }
}
