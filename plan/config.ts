/**
 * The config a stack is planned with: the project's files (components/settings reads them, as
 * the policy pack does), `secure:` keys as secret placeholders or injected values, and the
 * overrides tests and `--team-file` ask for.
 */
import type { SpecIssue } from "../components/team";
import {
  configText,
  ProjectFileError,
  qualify,
  readStackConfig,
  secretPlaceholder,
} from "../components/settings";

/** A problem with how the plan was asked for (missing stack file, unreadable YAML): exit 1. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export interface ConfigOverrides {
  /** Replaces the raw `<project>:team` value (tests of other specs, `--team-file`). */
  readonly team?: unknown;
  /** Per-stack extra or overriding config, keyed "key" (project namespace) or "ns:key". */
  readonly config?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Values for `secure:` keys ("key" or "ns:key"); a key not in the stack file is added as secret. @default placeholders */
  readonly secrets?: Readonly<Record<string, string>>;
}

export interface PlannedConfig {
  readonly project: string;
  /** `project:key` → text, as `pulumi` hands it over (PULUMI_CONFIG). */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** The `project:key` config map and secret keys for one stack, as `pulumi` would hand them over. */
export function stackConfig(dir: string, stack: string, opts: ConfigOverrides = {}): PlannedConfig {
  let files;
  try {
    files = readStackConfig(dir, stack);
  } catch (err) {
    if (err instanceof ProjectFileError) throw new PlanError(err.message);
    throw err;
  }
  const { project } = files;
  const config = { ...files.config };
  const secretKeys = new Set<string>(files.secureKeys);
  const secrets = Object.fromEntries(
    Object.entries(opts.secrets ?? {}).map(([k, v]) => [qualify(project, k), v]),
  );
  for (const key of files.secureKeys) config[key] = secrets[key] ?? secretPlaceholder(key);
  for (const [key, value] of Object.entries(secrets)) {
    secretKeys.add(key);
    config[key] = value;
  }
  for (const [key, value] of Object.entries(opts.config?.[stack] ?? {}))
    config[qualify(project, key)] = value;
  if (opts.team !== undefined) config[`${project}:team`] = configText(opts.team);
  return { project, config, secretKeys: [...secretKeys].sort() };
}

/** Packages whose default provider `pulumi:disable-default-providers` turns off ("*": all). */
export function disabledDefaultProviders(config: Readonly<Record<string, string>>): string[] {
  const raw = config["pulumi:disable-default-providers"];
  if (!raw) return [];
  try {
    const list = JSON.parse(raw);
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return raw.split(",").map((s) => s.trim());
  }
}

/** Config problems as the program reports them (`ConfigError.issues`), if `err` is one. */
export function configIssues(err: unknown): readonly SpecIssue[] | undefined {
  if (
    err instanceof Error &&
    err.name === "ConfigError" &&
    Array.isArray((err as { issues?: unknown }).issues)
  )
    return (err as unknown as { issues: SpecIssue[] }).issues;
  return undefined;
}
