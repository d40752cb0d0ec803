/**
 * Stack settings from config: the team spec, the stack's role and environment, the release
 * policy and the stack's own keys, validated with every problem reported at once, each naming
 * its config key. The one place that decides them: the program (stacks/config.ts wraps this with
 * `pulumi.Config`), the offline plan and the policy pack all call {@link resolveSettings}.
 *
 * Keys live in the project's namespace (`name:` of Pulumi.yaml): `payments-delivery:team` in a
 * project named `payments-delivery`, `delivery-workflow:team` in this repository.
 * Pure: no `@pulumi/*`; secret values come back as plain text for the caller to wrap.
 */
import { z } from "zod";
import {
  CONFIG_KEY_PATTERN,
  RESERVED_CONFIG_KEYS,
  showValue,
  stableServiceKey,
  validateTeamSpec,
  type EnvironmentSpec,
  type SpecIssue,
  type TeamSpec,
} from "../team";
import { architectureIssues, releasePolicy, type ReleasePolicy } from "../release";

export type StackRole = "shared" | "environment";

/** What a stack was configured with, as Pulumi hands it to a program. */
export interface ConfigSource {
  /** Project name: the namespace of the program's keys. */
  readonly project: string;
  readonly stack: string;
  /** Pulumi organization. @default "organization" - what Pulumi reports without a backend org */
  readonly organization?: string;
  /** `namespace:key` → value as text (objects as JSON text), secrets decrypted. */
  readonly config: Readonly<Record<string, string>>;
  /**
   * Keys set as `secure:` whose values the caller cannot decrypt (the offline plan, the policy
   * pack reading stack files): they count as set, with {@link secretPlaceholder} values.
   * @default none
   */
  readonly secureKeys?: readonly string[];
}

/** A stand-in for a secret nobody offline can decrypt; the Slack one passes the URL check. */
export function secretPlaceholder(key: string): string {
  const bare = key.slice(key.indexOf(":") + 1);
  return bare === "slackWebhookUrl"
    ? "https://hooks.slack.com/services/T00000000/B00000000/offlineplaceholder"
    : `offline-placeholder-${bare}`;
}

/** Secret settings as plain text: wrap them (pulumi.secret) before they go anywhere. */
export interface SecretSettings {
  readonly githubToken?: string;
  readonly githubApp?: { readonly id: string; readonly installationId: string; readonly privateKey: string };
  readonly slackWebhookUrl?: string;
  readonly sentryAuthToken?: string;
  /** Per service, its secret configuration in this environment: `{ <service>: { <KEY>: value } }`. */
  readonly serviceSecrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The kubeconfig of a Kubernetes environment: the stack secret its `kubernetes.kubeconfig` names. */
  readonly kubeconfig?: string;
  /** SonarQube/SonarCloud token: the shared stack's repository secret SONAR_TOKEN. */
  readonly sonarToken?: string;
}

export interface StackSettings {
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  readonly role: StackRole;
  readonly spec: TeamSpec;
  readonly policy: ReleasePolicy;
  /** The environment an environment stack provisions. */
  readonly environment?: EnvironmentSpec;
  /** Fully qualified name of the shared stack (`org/project/shared`) an environment stack reads. */
  readonly sharedStack: string;
  /** Id of the GitHub App Pulumi acts as (not secret: it names the rulesets' bypass actor). */
  readonly githubAppId?: number;
  /**
   * The permissions the GitHub App was granted, as declared (`githubAppPermissions`, e.g.
   * `{ administration: write, contents: write }`); preflight compares them with what the stack's
   * resources need. @default undeclared - the plan lists what is needed
   */
  readonly githubAppPermissions?: Readonly<Record<string, string>>;
  /** The environment server's AMI, pinned (`serverAmi`). @default the latest Amazon Linux 2023 */
  readonly serverAmi?: string;
  /**
   * Stable keys (`stableServiceKey`) of the services whose retained resources this stack adopts
   * instead of creating them (`adopt`: `true` for every service, or a list of service names): the
   * shared stack's ECR repositories, an environment stack's release parameters, left behind by an
   * earlier `pulumi destroy`. @default [] - every resource is created
   */
  readonly adopt: readonly string[];
  readonly secrets: SecretSettings;
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: StackSettings }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] };

/** The namespace this repository's reference project uses; a team project uses its own name. */
export const REFERENCE_NAMESPACE = "delivery-workflow";
const DEFAULT_ORGANIZATION = "organization";
const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9_/-]+$/;

const settingsSchema = z.strictObject({
  role: z.enum(["shared", "environment"]).optional(),
  environment: z.string().optional(),
  sharedStack: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
      message: "must be organization/project/stack",
    })
    .optional(),
  githubToken: z.string().min(1).optional(),
  githubAppId: z
    .string()
    .regex(/^[0-9]+$/, { message: "must be the GitHub App's numeric id" })
    .optional(),
  githubAppInstallationId: z
    .string()
    .regex(/^[0-9]+$/, { message: "must be the installation's numeric id" })
    .optional(),
  githubAppPrivateKey: z.string().min(1).optional(),
  slackWebhookUrl: z.string().optional(),
  sentryAuthToken: z.string().min(1).optional(),
  sonarToken: z.string().min(1).optional(),
  serverAmi: z
    .string()
    .regex(/^ami-[0-9a-f]{8,17}$/, { message: "must be an AMI id such as ami-0123456789abcdef0" })
    .optional(),
  serviceSecrets: z.string().optional(),
  githubAppPermissions: z.string().optional(),
  adopt: z.string().optional(),
});

/** The program's setting keys besides `team` (Pulumi.<stack>.yaml). */
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as readonly string[];
/** Keys whose values are secret: never echoed in a message. */
export const SECRET_SETTING_KEYS = [
  "githubToken",
  "githubAppPrivateKey",
  "slackWebhookUrl",
  "sentryAuthToken",
  "serviceSecrets",
  "sonarToken",
] as const;

/** The role a stack has: `role` when set, else `shared` for the stack named shared. */
export function roleOf(stack: string, role: string | undefined): StackRole {
  return role === "shared" || role === "environment" ? role : stack === "shared" ? "shared" : "environment";
}

/** The raw team spec text of a config map, for tools that only need the spec. */
export function teamText(source: Pick<ConfigSource, "project" | "config">): string | undefined {
  return source.config[`${source.project}:team`];
}

/** Resolves and validates everything a stack is configured with. Never throws. */
export function resolveSettings(source: ConfigSource): SettingsResult {
  const ns = source.project;
  const key = (k: string) => `${ns}:${k}`;
  const config: Record<string, string> = { ...source.config };
  for (const k of source.secureKeys ?? []) config[k] ??= secretPlaceholder(k);
  const get = (k: string) => config[key(k)];
  const issues: SpecIssue[] = [];

  // A project scaffolded before keys followed the project name, or copied from this repository.
  if (ns !== REFERENCE_NAMESPACE) {
    const stale = Object.keys(config).filter((k) => k.startsWith(`${REFERENCE_NAMESPACE}:`));
    for (const k of stale) {
      const bare = k.slice(REFERENCE_NAMESPACE.length + 1);
      issues.push({
        path: k,
        message: `is not read in project ${ns}: its keys are ${ns}:<key>; rename it to ${ns}:${bare} (or \`${bare}:\` in Pulumi.yaml)`,
      });
    }
  }

  let rawTeam: unknown;
  const teamValue = get("team");
  if (teamValue !== undefined) {
    try {
      rawTeam = JSON.parse(teamValue);
    } catch {
      issues.push({ path: key("team"), message: "must be an object (YAML mapping)" });
    }
  }
  const teamResult =
    teamValue === undefined
      ? {
          ok: false as const,
          issues: [{ path: key("team"), message: "is required (the team spec, in Pulumi.yaml)" }],
        }
      : rawTeam === undefined
        ? { ok: false as const, issues: [] }
        : validateTeamSpec(rawTeam);
  if (!teamResult.ok) issues.push(...teamResult.issues);

  const raw: Record<string, string> = {};
  for (const k of SETTING_KEYS) {
    const v = get(k);
    if (v !== undefined) raw[k] = v;
  }
  // A Kubernetes environment names the stack secret that holds its kubeconfig.
  const kubeconfigKey = teamResult.ok
    ? kubeconfigKeyOf(teamResult.spec, get("environment") ?? source.stack)
    : undefined;
  const kubeconfig = kubeconfigKey ? get(kubeconfigKey) : undefined;
  if (kubeconfigKey && kubeconfig === undefined) {
    issues.push({
      path: key(kubeconfigKey),
      message: `is required: the kubeconfig of this environment's cluster (pulumi config set --secret ${kubeconfigKey} < kubeconfig.yaml)`,
    });
  }
  for (const k of Object.keys(config)) {
    if (!k.startsWith(`${ns}:`)) continue;
    const bare = k.slice(ns.length + 1);
    if (bare !== "team" && bare !== kubeconfigKey && !SETTING_KEYS.includes(bare))
      issues.push({ path: k, message: "is not a known setting (check its spelling)" });
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const k = String(issue.path[0] ?? "");
      const secret = (SECRET_SETTING_KEYS as readonly string[]).includes(k);
      issues.push({
        path: key(k),
        message: secret ? `(secret, not shown) ${issue.message}` : `${showValue(raw[k])} ${issue.message}`,
      });
    }
  }
  const s = parsed.success ? parsed.data : {};
  const role = roleOf(source.stack, s.role);

  if (s.slackWebhookUrl !== undefined && !SLACK_WEBHOOK.test(s.slackWebhookUrl)) {
    issues.push({
      path: key("slackWebhookUrl"),
      message: "(secret, not shown) must be a Slack webhook URL: https://hooks.slack.com/services/…",
    });
  }
  const appKeys = [s.githubAppId, s.githubAppInstallationId, s.githubAppPrivateKey].filter(
    (v) => v !== undefined,
  );
  if (appKeys.length > 0 && appKeys.length < 3) {
    issues.push({
      path: key("githubAppId"),
      message:
        "GitHub App credentials need githubAppId, githubAppInstallationId and githubAppPrivateKey together",
    });
  }

  let environment: EnvironmentSpec | undefined;
  if (teamResult.ok) {
    const spec = teamResult.spec;
    if (role === "environment") {
      const name = s.environment ?? source.stack;
      environment = spec.environments.find((e) => e.name === name);
      if (!environment) {
        issues.push({
          path: key("environment"),
          message: `${showValue(name)} is not an environment of the team spec (known: ${spec.environments.map((e) => e.name).join(", ")})`,
        });
      }
    }
    if (role === "environment" && spec.notifications.sentry && s.sentryAuthToken === undefined) {
      issues.push({
        path: key("sentryAuthToken"),
        message: "is required when team.notifications.sentry is set (pulumi config set --secret)",
      });
    }
    // Without the token the required sonar check fails on every pull request.
    if (role === "shared" && spec.quality.sonar && s.sonarToken === undefined) {
      issues.push({
        path: key("sonarToken"),
        message: "is required when team.quality.sonar is set (pulumi config set --secret)",
      });
    }
    // One image is promoted everywhere: every environment must run one CPU architecture.
    issues.push(...architectureIssues(spec));
  }

  const serviceSecrets = teamResult.ok
    ? parseServiceSecrets(
        s.serviceSecrets,
        key("serviceSecrets"),
        teamResult.spec.services.map((svc) => svc.name),
        issues,
      )
    : {};
  const githubAppPermissions = parsePermissions(s.githubAppPermissions, key("githubAppPermissions"), issues);
  const adopt = teamResult.ok ? parseAdopt(s.adopt, key("adopt"), teamResult.spec, issues) : [];

  if (issues.length > 0 || !teamResult.ok) return { ok: false, issues };
  const organization = source.organization ?? DEFAULT_ORGANIZATION;
  return {
    ok: true,
    settings: {
      project: ns,
      stack: source.stack,
      organization,
      role,
      spec: teamResult.spec,
      policy: releasePolicy(teamResult.spec),
      environment,
      sharedStack: s.sharedStack ?? `${organization}/${ns}/shared`,
      githubAppId: s.githubAppId === undefined ? undefined : Number(s.githubAppId),
      githubAppPermissions,
      serverAmi: s.serverAmi,
      adopt,
      secrets: {
        githubToken: s.githubToken,
        githubApp:
          s.githubAppId && s.githubAppInstallationId && s.githubAppPrivateKey
            ? {
                id: s.githubAppId,
                installationId: s.githubAppInstallationId,
                privateKey: s.githubAppPrivateKey,
              }
            : undefined,
        slackWebhookUrl: s.slackWebhookUrl,
        sentryAuthToken: s.sentryAuthToken,
        serviceSecrets,
        kubeconfig,
        sonarToken: s.sonarToken,
      },
    },
  };
}

/**
 * `adopt`: `true` (every service), `false`, or a list of service names (YAML list, or
 * `pulumi config set --path 'adopt[0]' cart-api`); each name is a service's current name or one of
 * its former names. Returns their stable keys, which name what is retained.
 */
function parseAdopt(text: string | undefined, where: string, spec: TeamSpec, issues: SpecIssue[]): string[] {
  if (text === undefined || text === "false") return [];
  const all = spec.services.map(stableServiceKey);
  if (text === "true") return all;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = text;
  }
  if (!Array.isArray(raw)) {
    issues.push({
      path: where,
      message: `${showValue(text)} must be true, false or a list of service names (known: ${spec.services.map((s) => s.name).join(", ")})`,
    });
    return [];
  }
  const out: string[] = [];
  raw.forEach((name, i) => {
    const service = spec.services.find(
      (svc) => svc.name === name || svc.formerNames.includes(name as string),
    );
    if (!service) {
      issues.push({
        path: `${where}[${i}]`,
        message: `${showValue(name)} is not a service of the team (known: ${spec.services.map((s) => s.name).join(", ")})`,
      });
    } else if (!out.includes(stableServiceKey(service))) {
      out.push(stableServiceKey(service));
    }
  });
  return out;
}

function kubeconfigKeyOf(spec: TeamSpec, environment: string): string | undefined {
  const env = spec.environments.find((e) => e.name === environment);
  return env?.runtime === "kubernetes" ? env.kubernetes?.kubeconfig : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `serviceSecrets`: `{ <service>: { <KEY>: <value> } }` (set with `pulumi config set --secret
 * --path 'serviceSecrets.<service>.<KEY>' <value>`). Problems name the key, never the value.
 */
function parseServiceSecrets(
  text: string | undefined,
  where: string,
  services: readonly string[],
  issues: SpecIssue[],
): Record<string, Record<string, string>> {
  if (text === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (!isObject(raw)) {
    issues.push({
      path: where,
      message: "(secret, not shown) must be an object: { <service>: { <KEY>: <value> } }",
    });
    return {};
  }
  const out: Record<string, Record<string, string>> = {};
  for (const [service, keys] of Object.entries(raw)) {
    if (!services.includes(service)) {
      issues.push({
        path: `${where}.${service}`,
        message: `is not a service of the team (known: ${services.join(", ")})`,
      });
      continue;
    }
    if (!isObject(keys)) {
      issues.push({
        path: `${where}.${service}`,
        message: "(secret, not shown) must be an object of KEY: value",
      });
      continue;
    }
    out[service] = {};
    for (const [k, value] of Object.entries(keys)) {
      if (!CONFIG_KEY_PATTERN.test(k) || (RESERVED_CONFIG_KEYS as readonly string[]).includes(k)) {
        issues.push({
          path: `${where}.${service}.${k}`,
          message: `must be an environment variable name (${CONFIG_KEY_PATTERN.source}) other than ${RESERVED_CONFIG_KEYS.join(", ")}`,
        });
      } else if (typeof value !== "string" || /[\n\r\t]/.test(value) || value.length > 4096) {
        issues.push({
          path: `${where}.${service}.${k}`,
          message: "(secret, not shown) must be one line of text without tabs, at most 4096 characters",
        });
      } else {
        out[service][k] = value;
      }
    }
  }
  return out;
}

/**
 * `githubAppPermissions` as text (JSON, as config holds it): the mapping, or undefined when absent
 * or not a mapping of permission names to read, write or admin. For readers that judge a stack
 * file whose other settings may not resolve (the policy pack).
 */
export function declaredAppPermissions(text: string | undefined): Record<string, string> | undefined {
  return parsePermissions(text, "githubAppPermissions", []);
}

/** `githubAppPermissions`: a mapping of GitHub App permission names to read, write or admin. */
function parsePermissions(
  text: string | undefined,
  where: string,
  issues: SpecIssue[],
): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const levels = ["read", "write", "admin"];
  if (!isObject(raw) || !Object.values(raw).every((v) => typeof v === "string" && levels.includes(v))) {
    issues.push({
      path: where,
      message: "must map GitHub App permissions to read, write or admin, e.g. { administration: write }",
    });
    return undefined;
  }
  return raw as Record<string, string>;
}
