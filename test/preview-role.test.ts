/**
 * The preview role component under Pulumi's mocks (the integration stack plans it: test/aws.test.ts):
 * what it registers, and that its documents are the ones test/iam.test.ts evaluates.
 */
import * as pulumi from "@pulumi/pulumi";

type Registered = { type: string; name: string; inputs: Record<string, any> };
const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      const name = args.inputs.name ?? args.name;
      return {
        id: `${args.name}-id`,
        state: {
          ...args.inputs,
          name,
          arn: `arn:aws:iam::123456789012:role${args.inputs.path ?? "/"}${name}`,
        },
      };
    },
    call: (args) =>
      args.token === "aws:index/getPartition:getPartition"
        ? { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }
        : { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/x", userId: "x", id: "x" },
  },
  "delivery-workflow",
  "integration",
  true,
);

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("PreviewRole", () => {
  it("registers one role trusting the repository's preview environment and one inline policy", async () => {
    const { PreviewRole } = await import("../components/aws");
    const role = new PreviewRole("checkout-cart-api-preview", {
      team: "checkout",
      environment: "integration",
      service: "cart-api",
      repository: { owner: "acme-shop", name: "cart-api" },
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      region: "eu-west-1",
      registry: "checkout/cart-api",
      instanceIds: ["i-0123456789abcdef0"],
    });
    expect(await value(role.arn)).toBe(
      "arn:aws:iam::123456789012:role/delivery/checkout/preview/checkout.cart-api.preview",
    );
    expect(role.previewDocument).toBe("checkout-integration-cart-api-preview");
    const iamRole = registered.find((r) => r.type === "aws:iam/role:Role")!;
    const trust = JSON.parse(iamRole.inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
      "repo:acme-shop/cart-api:environment:preview",
    ]);
    await value(role.policy.urn);
    const policy = registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const doc = JSON.parse(policy.inputs.policy);
    expect(
      doc.Statement.find((s: { Sid: string }) => s.Sid === "RunPreviewDocumentOnServers").Resource,
    ).toEqual([
      "arn:aws:ssm:eu-west-1:123456789012:document/checkout-integration-cart-api-preview",
      "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0",
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/PutParameter|-deploy/);
    // The PR preview job builds and pushes its image: push on its own repository, nothing wider.
    const push = doc.Statement.find((s: { Sid: string }) => s.Sid === "PushOwnImages");
    expect(push.Resource).toBe("arn:aws:ecr:eu-west-1:123456789012:repository/checkout/cart-api");
    expect(push.Action).toEqual(
      expect.arrayContaining([
        "ecr:PutImage",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:BatchCheckLayerAvailability",
      ]),
    );
    expect(JSON.stringify(doc)).not.toMatch(/BatchDeleteImage|DeleteRepository/);
    expect(registered.map((r) => r.type)).toEqual([
      "delivery:aws:PreviewRole",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
    ]);
  });
});
