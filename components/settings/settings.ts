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
import { showValue, validateTeamSpec, type EnvironmentSpec, type SpecIssue, type TeamSpec } from "../team";
import { releasePolicy, type ReleasePolicy } from "../release";

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
});

/** The program's setting keys besides `team` (Pulumi.<stack>.yaml). */
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as readonly string[];
/** Keys whose values are secret: never echoed in a message. */
export const SECRET_SETTING_KEYS = [
  "githubToken",
  "githubAppPrivateKey",
  "slackWebhookUrl",
  "sentryAuthToken",
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
  for (const k of Object.keys(config)) {
    if (!k.startsWith(`${ns}:`)) continue;
    const bare = k.slice(ns.length + 1);
    if (bare !== "team" && !SETTING_KEYS.includes(bare))
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
  }

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
      },
    },
  };
}
