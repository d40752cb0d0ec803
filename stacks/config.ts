/**
 * Reads and validates everything a stack is configured with: the team spec (project-level
 * `delivery-workflow:team`) and the stack's own settings (role, environment, secrets).
 * Every problem is reported at once, each naming its config key; secret values are never echoed.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  keyPath,
  showValue,
  SpecError,
  validateTeamSpec,
  type EnvironmentSpec,
  type SpecIssue,
  type TeamSpec,
} from "../components/team";
import { releasePolicy, type ReleasePolicy } from "../components/release";

export const CONFIG_NAMESPACE = "delivery-workflow";

export type StackRole = "shared" | "environment";

/** Secret stack settings: plain text never leaves this module unwrapped. */
export interface StackSecrets {
  /** GitHub token for the explicit provider. @default the provider's own GITHUB_TOKEN lookup */
  readonly githubToken?: pulumi.Output<string>;
  /** GitHub App credentials, an alternative to a token. */
  readonly githubApp?: {
    readonly id: string;
    readonly installationId: string;
    readonly privateKey: pulumi.Output<string>;
  };
  readonly slackWebhookUrl?: pulumi.Output<string>;
  readonly sentryAuthToken?: pulumi.Output<string>;
  /** SonarQube/SonarCloud token: the shared stack's repository secret SONAR_TOKEN. */
  readonly sonarToken?: pulumi.Output<string>;
}

export interface StackContext {
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
  readonly secrets: StackSecrets;
}

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
});

const SECRET_KEYS = [
  "githubToken",
  "githubAppPrivateKey",
  "slackWebhookUrl",
  "sentryAuthToken",
  "sonarToken",
] as const;

/**
 * Loads the stack context from Pulumi config. Throws a {@link SpecError} listing every problem.
 */
export function loadStackContext(): StackContext {
  const project = pulumi.getProject();
  const stack = pulumi.getStack();
  const organization = pulumi.getOrganization();

  const issues: SpecIssue[] = [];
  const rawTeam = readJson("team", issues);
  const teamResult =
    rawTeam === undefined && issues.length === 0
      ? {
          ok: false as const,
          issues: [
            { path: `${CONFIG_NAMESPACE}:team`, message: "is required (the team spec, in Pulumi.yaml)" },
          ],
        }
      : validateTeamSpec(rawTeam);
  if (!teamResult.ok) issues.push(...teamResult.issues);

  const raw: Record<string, string> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`);
    if (value !== undefined) raw[key] = value;
  }
  const unknownKeys = knownNamespaceKeys().filter((k) => !(k in settingsSchema.shape) && k !== "team");
  for (const key of unknownKeys) {
    issues.push({
      path: `${CONFIG_NAMESPACE}:${key}`,
      message: "is not a known setting (check its spelling)",
    });
  }
  const settings = settingsSchema.safeParse(raw);
  if (!settings.success) {
    for (const issue of settings.error.issues) {
      const key = String(issue.path[0] ?? "");
      const secret = (SECRET_KEYS as readonly string[]).includes(key);
      issues.push({
        path: `${CONFIG_NAMESPACE}:${key}`,
        message: secret ? `(secret, not shown) ${issue.message}` : `${showValue(raw[key])} ${issue.message}`,
      });
    }
  }
  const s = settings.success ? settings.data : {};
  const role: StackRole = s.role ?? (stack === "shared" ? "shared" : "environment");

  if (s.slackWebhookUrl !== undefined && !SLACK_WEBHOOK.test(s.slackWebhookUrl)) {
    issues.push({
      path: `${CONFIG_NAMESPACE}:slackWebhookUrl`,
      message: "(secret, not shown) must be a Slack webhook URL: https://hooks.slack.com/services/…",
    });
  }
  const appKeys = [s.githubAppId, s.githubAppInstallationId, s.githubAppPrivateKey].filter(
    (v) => v !== undefined,
  );
  if (appKeys.length > 0 && appKeys.length < 3) {
    issues.push({
      path: `${CONFIG_NAMESPACE}:githubAppId`,
      message:
        "GitHub App credentials need githubAppId, githubAppInstallationId and githubAppPrivateKey together",
    });
  }

  let environment: EnvironmentSpec | undefined;
  if (teamResult.ok) {
    const spec = teamResult.spec;
    if (role === "environment") {
      const name = s.environment ?? stack;
      environment = spec.environments.find((e) => e.name === name);
      if (!environment) {
        issues.push({
          path: `${CONFIG_NAMESPACE}:environment`,
          message: `${showValue(name)} is not an environment of the team spec (known: ${spec.environments.map((e) => e.name).join(", ")})`,
        });
      }
    }
    if (role === "environment" && spec.notifications.sentry && s.sentryAuthToken === undefined) {
      issues.push({
        path: `${CONFIG_NAMESPACE}:sentryAuthToken`,
        message: "is required when team.notifications.sentry is set (pulumi config set --secret)",
      });
    }
  }

  if (issues.length > 0 || !teamResult.ok) throw new SpecError(issues);

  const secret = (v: string | undefined) => (v === undefined ? undefined : pulumi.secret(v));
  return {
    project,
    stack,
    organization,
    role,
    spec: teamResult.spec,
    policy: releasePolicy(teamResult.spec),
    environment,
    sharedStack: s.sharedStack ?? `${organization}/${project}/shared`,
    secrets: {
      githubToken: secret(s.githubToken),
      githubApp:
        s.githubAppId && s.githubAppInstallationId && s.githubAppPrivateKey
          ? {
              id: s.githubAppId,
              installationId: s.githubAppInstallationId,
              privateKey: pulumi.secret(s.githubAppPrivateKey),
            }
          : undefined,
      slackWebhookUrl: secret(s.slackWebhookUrl),
      sentryAuthToken: secret(s.sentryAuthToken),
      sonarToken: secret(s.sonarToken),
    },
  };
}

function readJson(key: string, issues: SpecIssue[]): unknown {
  const text = pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    issues.push({
      path: keyPath(`${CONFIG_NAMESPACE}:${key}`, []),
      message: "must be an object (YAML mapping)",
    });
    return undefined;
  }
}

/** Keys set in this project's namespace, to catch misspelt settings. */
function knownNamespaceKeys(): string[] {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.keys(pulumi.runtime.allConfig())
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
}
