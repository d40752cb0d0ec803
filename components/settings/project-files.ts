/**
 * The one reader of a Pulumi project's files (`Pulumi.yaml`, `Pulumi.<stack>.yaml`) and of the
 * YAML files beside them: config becomes the `namespace:key` → string map Pulumi hands a program
 * (objects as JSON text), with the keys a stack file marks `secure:` listed apart (their values
 * are ciphertext nobody offline can read). Pure: `fs` and `yaml` only, no `@pulumi/*`.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** A project or stack file that is missing or unreadable: how the plan was asked for is wrong. */
export class ProjectFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectFileError";
  }
}

/** Parses a YAML (or JSON) file; `undefined` when it does not exist. Throws on invalid YAML. */
export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  // One plan reads Pulumi.yaml once per stack and more (settings, config, the CLI): parsing is
  // the cost, so the same text is parsed once and every caller gets its own copy.
  const seen = parsed.get(file);
  if (seen?.text === text) return structuredClone(seen.value);
  let value: unknown;
  try {
    value = YAML.parse(text) ?? {};
  } catch (err) {
    throw new ProjectFileError(`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  parsed.set(file, { text, value: structuredClone(value) });
  return value;
}

const parsed = new Map<string, { readonly text: string; readonly value: unknown }>();

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** How Pulumi hands a config value to a program: strings as they are, anything else as JSON. */
export const configText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** `key` in the project's namespace unless it names its own (`aws:region`, `pulumi:…`). */
export const qualify = (project: string, key: string): string =>
  key.includes(":") ? key : `${project}:${key}`;

export interface ProjectConfig {
  /** The project name (`name:` in Pulumi.yaml): also the namespace of the program's own keys. */
  readonly project: string;
  /** `namespace:key` → value as text; `secure:` keys are absent. */
  readonly config: Record<string, string>;
  /** Keys the stack file holds as `secure:` ciphertext, sorted. */
  readonly secureKeys: readonly string[];
}

/**
 * The config of a stack from the parsed project file and stack file: Pulumi.yaml's project-level
 * config (`key: value` or `key: { value | default, … }`), overridden by the stack file's.
 */
export function configFromDocuments(
  projectDoc: unknown,
  stackDoc: unknown,
  where = "Pulumi.yaml",
): ProjectConfig {
  if (!isMapping(projectDoc) || typeof projectDoc.name !== "string")
    throw new ProjectFileError(`${where}: has no project name`);
  const project = projectDoc.name;
  const config: Record<string, string> = {};
  for (const [key, entry] of Object.entries(isMapping(projectDoc.config) ? projectDoc.config : {})) {
    const value = isMapping(entry) ? ("value" in entry ? entry.value : entry.default) : entry;
    if (value !== undefined && value !== null) config[qualify(project, key)] = configText(value);
  }
  const secureKeys: string[] = [];
  const entries = isMapping(stackDoc) && isMapping(stackDoc.config) ? stackDoc.config : {};
  for (const [rawKey, value] of Object.entries(entries)) {
    const key = qualify(project, rawKey);
    if (isMapping(value) && "secure" in value) {
      secureKeys.push(key);
      delete config[key];
    } else if (value !== undefined && value !== null) {
      config[key] = configText(value);
    }
  }
  return { project, config, secureKeys: secureKeys.sort() };
}

/** Project-level config of `dir`/Pulumi.yaml. */
export function readProject(dir: string): ProjectConfig {
  const file = path.join(dir, "Pulumi.yaml");
  const doc = readYamlFile(file);
  if (doc === undefined) throw new ProjectFileError(`no Pulumi.yaml in ${dir}`);
  return configFromDocuments(doc, undefined, file);
}

/** The config of one stack: Pulumi.yaml's, overridden by Pulumi.<stack>.yaml's. */
export function readStackConfig(dir: string, stack: string): ProjectConfig {
  const file = path.join(dir, "Pulumi.yaml");
  const projectDoc = readYamlFile(file);
  if (projectDoc === undefined) throw new ProjectFileError(`no Pulumi.yaml in ${dir}`);
  const stackDoc = readYamlFile(path.join(dir, `Pulumi.${stack}.yaml`));
  if (stackDoc === undefined) throw new ProjectFileError(`no stack file Pulumi.${stack}.yaml in ${dir}`);
  return configFromDocuments(projectDoc, stackDoc, file);
}

/** Stacks of a project directory (from Pulumi.<stack>.yaml), `shared` first, then promotion order. */
export function discoverStacks(dir: string): string[] {
  const stacks = fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  const order = ["shared", "integration", "staging", "pre-production", "production"];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  return stacks.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
