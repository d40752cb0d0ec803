/**
 * Previews' own server is stopped while idle and started by preview.yml: the preview role may
 * start and stop exactly that instance, evaluated by an IAM simulator (@cloud-copilot/iam-simulate)
 * on the role's generated document. Nothing else about any instance is granted.
 */
import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
  instanceArn,
  PREVIEW_SERVER_READ_ACTIONS,
  PREVIEW_SERVER_STATE_ACTIONS,
  previewDocumentName,
  previewPermissions,
  repositoryName,
  type PolicyDocument,
} from "../components/aws";

const ACCOUNT = "123456789012";
const scope = { partition: "aws", region: "eu-west-1", accountId: ACCOUNT };
const PREVIEWS_SERVER = "i-0bbbbbbbbbbbbbbbb";
const INTEGRATION_SERVER = "i-0aaaaaaaaaaaaaaaa";
const PRODUCTION_SERVER = "i-0fedcba9876543210";

const permissions = (startStop?: string[]): PolicyDocument =>
  previewPermissions({
    ...scope,
    repository: repositoryName("checkout", "cart-api"),
    previewDocument: previewDocumentName("checkout", "integration", "cart-api"),
    instanceIds: [PREVIEWS_SERVER],
    startStopInstanceIds: startStop,
  });

async function decide(doc: PolicyDocument, action: string, resource: string): Promise<string> {
  expect(validateIdentityPolicy(doc)).toEqual([]);
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/delivery/checkout/preview/checkout.cart-api.preview`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: "permissions", policy: doc }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== "single") throw new Error(`simulation failed: ${JSON.stringify(result)}`);
  return result.result.analysis.result;
}

const arn = (id: string, region = scope.region, account = ACCOUNT) =>
  instanceArn({ ...scope, region, accountId: account }, id);

describe("preview role on a server stopped while idle", () => {
  const doc = permissions([PREVIEWS_SERVER]);

  it.each(PREVIEW_SERVER_STATE_ACTIONS)("may %s the previews' server", async (action) => {
    expect(await decide(doc, action, arn(PREVIEWS_SERVER))).toBe("Allowed");
  });

  it.each(
    PREVIEW_SERVER_STATE_ACTIONS.flatMap((action) => [
      [action, "the integration server", arn(INTEGRATION_SERVER)],
      [action, "the production server", arn(PRODUCTION_SERVER)],
      [action, "another instance of the account", arn("i-0cccccccccccccccc")],
      [action, "the same id in another region", arn(PREVIEWS_SERVER, "us-east-1")],
      [action, "the same id in another account", arn(PREVIEWS_SERVER, scope.region, "210987654321")],
    ]),
  )("may not %s %s", async (action, _what, resource) => {
    expect(await decide(doc, action, resource)).not.toBe("Allowed");
  });

  it.each([
    "ec2:TerminateInstances",
    "ec2:RebootInstances",
    "ec2:ModifyInstanceAttribute",
    "ec2:RunInstances",
    "ec2:CreateTags",
  ])("may not %s even the previews' server", async (action) => {
    expect(await decide(doc, action, arn(PREVIEWS_SERVER))).not.toBe("Allowed");
  });

  it("reads instance and SSM agent state, which AWS scopes to no resource", async () => {
    for (const action of PREVIEW_SERVER_READ_ACTIONS) expect(await decide(doc, action, "*")).toBe("Allowed");
    const statement = doc.Statement.find(
      (s) => s.Resource === "*" && s.Action.includes("ec2:DescribeInstances"),
    );
    // The Sid says why the resource is `*` (the rule every document keeps), and it only reads.
    expect(statement?.Sid).toMatch(/HasNoResourceScope$/);
    expect(statement?.Action.every((a) => /:(Describe|Get|List)/.test(a))).toBe(true);
  });

  it("a preview role on a shared server (none stopped while idle) cannot start or stop anything", async () => {
    const shared = permissions();
    for (const action of PREVIEW_SERVER_STATE_ACTIONS)
      expect(await decide(shared, action, arn(PREVIEWS_SERVER))).not.toBe("Allowed");
    expect(await decide(shared, "ec2:DescribeInstances", "*")).not.toBe("Allowed");
  });
});
