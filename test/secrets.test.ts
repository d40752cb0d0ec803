/**
 * Secrets stay secrets end to end: the reference stacks are planned with known secret values
 * injected, and none of them (nor its base64 or URL-encoded form) appears in the plan's text
 * output, its JSON, its stack outputs, or any resource input that is not itself a secret.
 */
import { planStacks, type StackPlan } from "./harness";
import { renderStack } from "../plan/text";

const SECRETS = {
  githubToken: "ghp_GUARDRAILSsecretTOKEN0123456789abcdef",
  slackWebhookUrl: "https://hooks.slack.com/services/T0GUARD/B0RAILS/slackSECRETvalue42",
  sentryAuthToken: "sntrys_GUARDRAILSsentrySECRET987654321",
};
const APP_KEY = "-----BEGIN RSA PRIVATE KEY-----\nGUARDRAILSappPRIVATEkey\n-----END RSA PRIVATE KEY-----";

/** Each secret in the forms it could leak in. */
function forms(values: readonly string[]): string[] {
  return values.flatMap((v) => [
    v,
    Buffer.from(v).toString("base64"),
    encodeURIComponent(v),
    JSON.stringify(v).slice(1, -1),
  ]);
}

/** The distinctive middle of each secret too: a leak may be a substring (a URL's path). */
function needles(values: readonly string[]): string[] {
  return [...new Set([...forms(values), ...values.map((v) => v.slice(8, 30))])];
}

function leaks(text: string, values: readonly string[]): string[] {
  return needles(values).filter((n) => text.includes(n));
}

describe("secret hygiene of the offline plan", () => {
  let plans: StackPlan[];
  beforeAll(async () => {
    plans = await planStacks({
      stacks: ["shared", "integration", "staging", "production"],
      secrets: SECRETS,
    });
  });

  it("plans every reference stack with the injected secrets", () => {
    expect(plans.map((p) => p.stack)).toEqual(["shared", "integration", "staging", "production"]);
    // The injected secrets reached the program: environment stacks hold the secrets' resources.
    const production = plans[3];
    const webhooks = production.resources.filter((r) => r.inputs.secretName === "SLACK_WEBHOOK_URL");
    expect(webhooks.length).toBeGreaterThan(0);
    for (const w of webhooks) expect(w.inputs.value).toBe("[secret]");
  });

  it("leaks no secret into the text output", () => {
    for (const plan of plans)
      expect(leaks(renderStack(plan, { detail: true }), Object.values(SECRETS))).toEqual([]);
  });

  it("leaks no secret into the JSON (resources, outputs, policy, cost)", () => {
    for (const plan of plans) expect(leaks(JSON.stringify(plan), Object.values(SECRETS))).toEqual([]);
  });

  it("leaks no secret into any resource input or provider", () => {
    for (const plan of plans) {
      for (const r of plan.resources) {
        const found = leaks(JSON.stringify(r.inputs), Object.values(SECRETS));
        expect({ urn: r.urn, found }).toEqual({ urn: r.urn, found: [] });
      }
    }
  });

  it("keeps the GitHub App private key secret too", async () => {
    const [shared] = await planStacks({
      stacks: ["shared"],
      config: { shared: { githubAppId: "123456", githubAppInstallationId: "7891011" } },
      secrets: { githubToken: SECRETS.githubToken, githubAppPrivateKey: APP_KEY },
    });
    const provider = shared.resources.find((r) => r.type === "pulumi:providers:github");
    expect(provider).toBeDefined();
    const text = `${renderStack(shared, { detail: true })}\n${JSON.stringify(shared)}`;
    expect(leaks(text, [APP_KEY, "GUARDRAILSappPRIVATEkey"])).toEqual([]);
  });

  it("would notice a leak (the check is not vacuous)", () => {
    const leaked = { ...plans[3], outputs: { oops: SECRETS.slackWebhookUrl } };
    expect(leaks(JSON.stringify(leaked), Object.values(SECRETS)).length).toBeGreaterThan(0);
    expect(
      leaks(Buffer.from(SECRETS.githubToken).toString("base64"), Object.values(SECRETS)).length,
    ).toBeGreaterThan(0);
  });
});
