/**
 * The `preview` GitHub environment of a repository: no reviewers, no wait and no deployment-branch
 * policy (pull request runs must be admitted), the three variables the workflow reads, and the
 * Slack webhook as a secret only when there is one.
 */
import * as pulumi from "@pulumi/pulumi";
import { PreviewEnvironment } from "../components/github/preview-environment";
import { PREVIEW_VARIABLES } from "../components/release";

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push({ type: a.type, name: a.name, inputs: a.inputs });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => a.inputs,
    },
    "delivery-workflow",
    "integration",
    false,
  );
});

async function settle(component: pulumi.ComponentResource): Promise<void> {
  await new Promise((resolve) => component.urn.apply(resolve));
  await new Promise((r) => setTimeout(r, 50));
}

it("creates the preview environment without a branch policy, with its variables", async () => {
  const env = new PreviewEnvironment("checkout-cart-api-preview", {
    repository: "cart-api",
    roleArn: "arn:aws:iam::123456789012:role/delivery/checkout/preview/checkout-cart-api-preview",
    documentName: "checkout-integration-cart-api-preview",
    instanceIds: ["i-0abc", "i-0def"],
  });
  await settle(env);
  const environment = registered.find(
    (r) => r.type === "github:index/repositoryEnvironment:RepositoryEnvironment",
  )!;
  expect(environment.inputs).toMatchObject({ repository: "cart-api", environment: "preview", waitTimer: 0 });
  expect(environment.inputs.deploymentBranchPolicy).toBeUndefined();
  expect(environment.inputs.reviewers).toBeUndefined();
  const variables = registered
    .filter((r) => r.type === "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable")
    .map((r) => [r.inputs.variableName, r.inputs.value]);
  expect(Object.fromEntries(variables)).toEqual({
    [PREVIEW_VARIABLES.roleArn]:
      "arn:aws:iam::123456789012:role/delivery/checkout/preview/checkout-cart-api-preview",
    [PREVIEW_VARIABLES.document]: "checkout-integration-cart-api-preview",
    [PREVIEW_VARIABLES.instanceIds]: "i-0abc i-0def",
  });
  expect(registered.some((r) => r.type.includes("ActionsEnvironmentSecret"))).toBe(false);
});

it("adds the Slack webhook as a secret when there is one", async () => {
  const env = new PreviewEnvironment("checkout-web-preview", {
    repository: "web",
    roleArn: "arn",
    documentName: "doc",
    instanceIds: ["i-1"],
    slackWebhookUrl: "https://hooks.slack.com/services/T/B/X",
  });
  await settle(env);
  const secret = registered.find(
    (r) =>
      r.type === "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret" &&
      r.inputs.repository === "web",
  )!;
  expect(secret.inputs.secretName).toBe("SLACK_WEBHOOK_URL");
  expect(secret.inputs.plaintextValue).toBeUndefined();
});
