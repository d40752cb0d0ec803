/**
 * What the real policy pack knows beyond the resources: the stack's settings (team spec, role,
 * environment, release policy), read from the project's `Pulumi.yaml` and `Pulumi.<stack>.yaml`
 * and resolved by the same function the program uses (components/settings). A configuration the
 * program would refuse yields no spec: the program refuses it anyway, and spec-aware checks stay
 * silent.
 */
import * as path from "path";
import { parse } from "yaml";
import {
  configFromDocuments,
  configText,
  declaredAppPermissions,
  readYamlFile,
  resolveSettings,
  type ProjectConfig,
} from "../components/settings";
import type { PolicyContext } from "./types";

export interface ProjectFiles {
  /** `Pulumi.yaml` text. */
  readonly project?: string;
  /** `Pulumi.<stack>.yaml` text, if the stack has one. */
  readonly stack?: string;
  /** The stack's name (its role and environment default from it). @default "" */
  readonly stackName?: string;
}

// The policy engine unwraps secrets before policies see them.
const NOTHING_KNOWN: PolicyContext = { spec: undefined, secretsMarked: false };

/**
 * What the stack file alone says, whatever else resolves: a plain-text secret in it is worth a
 * warning even when the team spec is broken or Pulumi.yaml is missing, and the App's declared
 * permissions are the stack's own statement.
 */
function stackFileContext(stackDoc: unknown, project: string | undefined): PolicyContext {
  const stackConfig = stackConfigOf(stackDoc);
  const permissionsKey = Object.keys(stackConfig ?? {}).find((k) =>
    project === undefined
      ? k.endsWith(":githubAppPermissions")
      : k === `${project}:githubAppPermissions` || k === "githubAppPermissions",
  );
  const permissions = permissionsKey === undefined ? undefined : stackConfig?.[permissionsKey];
  return {
    ...NOTHING_KNOWN,
    githubAppPermissions:
      permissions === undefined ? undefined : declaredAppPermissions(configText(permissions)),
    stackConfig,
  };
}

/** The context from a stack's config. Never throws. */
function contextOf(cfg: ProjectConfig, stack: string, stackDoc: unknown): PolicyContext {
  const r = resolveSettings({ project: cfg.project, stack, config: cfg.config, secureKeys: cfg.secureKeys });
  if (!r.ok) return stackFileContext(stackDoc, cfg.project);
  const s = r.settings;
  return {
    spec: s.spec,
    policy: s.policy,
    role: s.role,
    environment: s.environment?.name,
    secretsMarked: false,
    automationAppId: s.githubAppId,
    githubAppPermissions: s.githubAppPermissions,
    // The stack file as written: plaintext secrets are judged on it (secure: values are not).
    stackConfig: stackConfigOf(stackDoc),
  };
}

/** Pure: the context from the project's files. Never throws. */
export function contextFromProjectFiles(files: ProjectFiles): PolicyContext {
  try {
    const doc = (text: string | undefined) => (text === undefined ? undefined : parse(text));
    const stackDoc = doc(files.stack);
    try {
      return contextOf(configFromDocuments(doc(files.project), stackDoc), files.stackName ?? "", stackDoc);
    } catch {
      return stackFileContext(stackDoc, undefined);
    }
  } catch {
    return NOTHING_KNOWN;
  }
}

/** Reads the files for `stack` from the project directory (missing files are skipped). */
export function loadProjectContext(projectDir: string, stack: string | undefined): PolicyContext {
  try {
    const project = readYamlFile(path.join(projectDir, "Pulumi.yaml"));
    const stackDoc = stack ? readYamlFile(path.join(projectDir, `Pulumi.${stack}.yaml`)) : undefined;
    try {
      return contextOf(configFromDocuments(project, stackDoc), stack ?? "", stackDoc);
    } catch {
      return stackFileContext(stackDoc, undefined);
    }
  } catch {
    return NOTHING_KNOWN;
  }
}

function stackConfigOf(stackDoc: unknown): Record<string, unknown> | undefined {
  if (!stackDoc || typeof stackDoc !== "object") return undefined;
  const config = (stackDoc as { config?: unknown }).config;
  return config && typeof config === "object" && !Array.isArray(config)
    ? (config as Record<string, unknown>)
    : undefined;
}
