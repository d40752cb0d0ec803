/**
 * What the real policy pack knows beyond the resources: the team spec from the project's
 * `Pulumi.yaml` and the stack's role and environment from `Pulumi.<stack>.yaml`. The pack lives
 * in the project it judges, so it reads the same files the program does. A spec that does not
 * validate yields no spec: the program refuses it anyway, and spec-aware checks stay silent.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { releasePolicy } from "../components/release";
import { validateTeamSpec } from "../components/team";
import type { PolicyContext } from "./types";

const NS = "delivery-workflow";

export interface ProjectFiles {
  /** `Pulumi.yaml` text. */
  readonly project?: string;
  /** `Pulumi.<stack>.yaml` text, if the stack has one. */
  readonly stack?: string;
}

/** Pure: the context from the project's files. Never throws. */
export function contextFromProjectFiles(files: ProjectFiles): PolicyContext {
  const projectConfig = configOf(files.project);
  const stackConfig = configOf(files.stack);
  const team = valueOf(stackConfig[`${NS}:team`]) ?? valueOf(projectConfig[`${NS}:team`]);
  const result = team === undefined ? undefined : validateTeamSpec(team);
  const spec = result?.ok ? result.spec : undefined;
  const role = valueOf(stackConfig[`${NS}:role`]);
  const environment = valueOf(stackConfig[`${NS}:environment`]);
  const appId = Number(valueOf(stackConfig[`${NS}:githubAppId`]));
  const permissions = valueOf(stackConfig[`${NS}:githubAppPermissions`]);
  return {
    spec,
    policy: spec ? releasePolicy(spec) : undefined,
    role: role === "shared" || role === "environment" ? role : undefined,
    environment: typeof environment === "string" ? environment : undefined,
    // The policy engine unwraps secrets before policies see them.
    secretsMarked: false,
    automationAppId: Number.isInteger(appId) && appId > 0 ? appId : undefined,
    githubAppPermissions: appPermissions(permissions),
    stackConfig,
  };
}

/** Reads the files for `stack` from the project directory (missing files are skipped). */
export function loadProjectContext(projectDir: string, stack: string | undefined): PolicyContext {
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(projectDir, file), "utf8");
    } catch {
      return undefined;
    }
  };
  return contextFromProjectFiles({
    project: read("Pulumi.yaml"),
    stack: stack ? read(`Pulumi.${stack}.yaml`) : undefined,
  });
}

/** `{ administration: write, … }` (a YAML mapping, or its JSON text) → a permission map. */
export function appPermissions(value: unknown): Record<string, string> | undefined {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function configOf(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const doc = parse(text) as { config?: Record<string, unknown> } | null;
    return doc && typeof doc.config === "object" && doc.config !== null ? doc.config : {};
  } catch {
    return {};
  }
}

/** Project config is `{ value: … }`; stack config is the value itself (`secure:` ones are skipped). */
function valueOf(entry: unknown): unknown {
  if (entry && typeof entry === "object" && !Array.isArray(entry)) {
    const o = entry as Record<string, unknown>;
    if ("value" in o) return o.value;
    if ("secure" in o) return undefined;
  }
  return entry;
}
