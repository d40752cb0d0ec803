/**
 * Secrets written in plain text into a stack file (`Pulumi.<stack>.yaml`): readable by anyone
 * who can read the repository, and copied into every plan and log. A pure function of the
 * file's `config:` section, so the offline plan and the policy pack (both read the file) warn
 * the same way; the program itself never sees the file, only the values.
 */
import type { SpecIssue } from "./issues";

export const CONFIG_NAMESPACE = "delivery-workflow";

/** Stack settings that are secrets by definition (stacks/config.ts reads them as secrets). */
export const SECRET_SETTINGS = [
  "githubToken",
  "githubAppPrivateKey",
  "slackWebhookUrl",
  "sentryAuthToken",
  "sonarToken",
] as const;

/** Values that are credentials whatever key holds them. */
const SECRET_SHAPES: ReadonlyArray<[string, RegExp]> = [
  ["a GitHub token", /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/],
  ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a Slack token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["a Slack webhook URL", /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,}/],
  ["a Sentry token", /\bsntr[ysu]_[A-Za-z0-9+/=_-]{20,}/],
];

const isSecure = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) && "secure" in (v as object);

function bareKey(key: string): string {
  return key.startsWith(`${CONFIG_NAMESPACE}:`) ? key.slice(CONFIG_NAMESPACE.length + 1) : key;
}

/**
 * Warnings for every plain-text secret in a stack file's `config:` section (keys as written:
 * `delivery-workflow:githubToken` or `githubToken`). Each names the key and the command that
 * encrypts it; the value itself is never echoed.
 */
export function plaintextSecretsIn(stackConfig: unknown): SpecIssue[] {
  if (typeof stackConfig !== "object" || stackConfig === null || Array.isArray(stackConfig)) return [];
  const issues: SpecIssue[] = [];
  for (const [key, value] of Object.entries(stackConfig as Record<string, unknown>)) {
    if (isSecure(value) || value === null || value === undefined) continue;
    const bare = bareKey(key);
    const qualified = key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
    const encrypt = `pulumi config set --secret ${qualified} <value> --stack <stack> (it replaces the plain-text line)`;
    const ours = !key.includes(":") || key.startsWith(`${CONFIG_NAMESPACE}:`);
    if (ours && (SECRET_SETTINGS as readonly string[]).includes(bare)) {
      issues.push({
        path: qualified,
        message: `is a secret written in plain text in the stack file; encrypt it: ${encrypt}`,
      });
      continue;
    }
    const found = shapeIn(value, "");
    if (found)
      issues.push({
        path: `${qualified}${found.path}`,
        message: `holds what looks like ${found.what} in plain text in the stack file; encrypt it: ${encrypt}`,
      });
  }
  return issues;
}

function shapeIn(v: unknown, path: string): { what: string; path: string } | undefined {
  if (typeof v === "string") {
    for (const [what, re] of SECRET_SHAPES) if (re.test(v)) return { what, path };
    return undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = shapeIn(v[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const found = shapeIn(x, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}
