/**
 * AWS: the pure document builders, then the components as the offline plan records them
 * (type, name, parent, provider, key inputs, protect/retainOnDelete/ignoreChanges).
 * The lifecycle policy has its own file, with a simulator of ECR's rules: aws-lifecycle.test.ts.
 */
import {
  githubOidcTrustPolicy,
  lifecyclePolicy,
  NOTHING_RELEASED,
  releaseParameterName,
  repositoryPolicy,
  type PolicyDocument,
} from "../components/aws";
import { OIDC_AUDIENCE, RELEASED_IMAGE_TAG_PREFIX, releasePolicy } from "../components/release";
import { parseTeamSpec } from "../components/team";
import { generatedTeam } from "../plan/generate";
import { planStacks } from "./harness";
import type { PlannedResource, StackPlan } from "../plan/runner";
import { referenceTeam } from "./aws-fixtures";

const spec = parseTeamSpec(referenceTeam());

describe("IAM documents", () => {
  it("refuses a wildcard or pull_request subject", () => {
    expect(() => githubOidcTrustPolicy({ providerArn: "p", subjects: ["repo:acme/*"] })).toThrow(
      /exact subjects/,
    );
    expect(() => githubOidcTrustPolicy({ providerArn: "p", subjects: ["repo:acme/x:pull_request"] })).toThrow(
      /pull_request/,
    );
    expect(() => githubOidcTrustPolicy({ providerArn: "p", subjects: [] })).toThrow();
  });
  it("checks aud and sub with StringEquals", () => {
    const doc = githubOidcTrustPolicy({ providerArn: "p", subjects: ["repo:a/b:environment:staging"] });
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": OIDC_AUDIENCE,
        "token.actions.githubusercontent.com:sub": ["repo:a/b:environment:staging"],
      },
    });
  });
  it("lets only the team's server roles pull, in the provider's partition", () => {
    const doc = repositoryPolicy({ partition: "aws-cn", accountId: "111122223333", team: "checkout" });
    expect(doc.Statement).toHaveLength(1);
    expect(doc.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: "arn:aws-cn:iam::111122223333:root" },
      Condition: {
        ArnLike: { "aws:PrincipalArn": "arn:aws-cn:iam::111122223333:role/delivery/checkout/server/*" },
      },
    });
    expect(doc.Statement[0].Action).not.toContain("ecr:PutImage");
  });
});

// ---------------------------------------------------------------------------------------------
// Through the offline plan.

let plans: Record<string, StackPlan>;
beforeAll(async () => {
  const list = await planStacks({ stacks: ["shared", "integration", "staging", "production"] });
  plans = Object.fromEntries(list.map((p) => [p.stack, p]));
}, 120_000);

const ofType = (plan: StackPlan, type: string) => plan.resources.filter((r) => r.type === type);
const one = (plan: StackPlan, type: string): PlannedResource => {
  const found = ofType(plan, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const parentOf = (plan: StackPlan, r: PlannedResource) => plan.resources.find((p) => p.urn === r.parent);
const json = (value: unknown): PolicyDocument => JSON.parse(String(value));

describe("shared stack", () => {
  it("every AWS resource has the explicit aws provider and a delivery:aws parent", () => {
    const aws = plans.shared.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    expect(aws.length).toBeGreaterThanOrEqual(9);
    for (const r of aws) {
      expect(r.provider).toMatch(/\$pulumi:providers:aws::aws$/);
      expect(parentOf(plans.shared, r)?.type).toMatch(/^delivery:aws:/);
      expect(r.name.startsWith(parentOf(plans.shared, r)!.name)).toBe(true);
    }
  });

  it("one protected, retained, immutable, scanned repository per service", () => {
    const repos = ofType(plans.shared, "aws:ecr/repository:Repository");
    expect(repos.map((r) => r.inputs.name).sort()).toEqual(["checkout/cart-api", "checkout/payments-worker"]);
    for (const r of repos) {
      expect(r).toMatchObject({ protect: true, retainOnDelete: true });
      expect(r.inputs).toMatchObject({
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: false,
      });
    }
    const lifecycle = ofType(plans.shared, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    expect(lifecycle).toHaveLength(2);
    const expected = lifecyclePolicy(releasePolicy(spec), spec.registry);
    for (const p of lifecycle) {
      expect(JSON.parse(String(p.inputs.policy))).toEqual(expected);
      expect(expected.rules[0].selection.tagPrefixList).toEqual([RELEASED_IMAGE_TAG_PREFIX]);
    }
    for (const p of ofType(plans.shared, "aws:ecr/repositoryPolicy:RepositoryPolicy")) {
      expect(JSON.stringify(json(p.inputs.policy))).toContain(
        "arn:aws:iam::123456789012:role/delivery/checkout/server/*",
      );
    }
  });

  it("creates the OIDC provider for sts.amazonaws.com, or reuses the spec's", async () => {
    const provider = one(plans.shared, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(provider.inputs).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      clientIdLists: ["sts.amazonaws.com"],
    });
    const existing = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const [reuse] = await planStacks({
      stacks: ["shared"],
      team: { ...referenceTeam(), aws: { region: "eu-west-1", oidcProviderArn: existing } },
    });
    expect(ofType(reuse, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toHaveLength(0);
    const trust = json(ofType(reuse, "aws:iam/role:Role")[0].inputs.assumeRolePolicy);
    expect(trust.Statement[0].Principal).toEqual({ Federated: existing });
  });

  it("one build role per repository: it trusts main of that repository and pushes to its registry", () => {
    const roles = ofType(plans.shared, "aws:iam/role:Role");
    expect(roles.map((r) => r.name).sort()).toEqual([
      "checkout-cart-api-build-role",
      "checkout-payments-worker-build-role",
    ]);
    for (const service of ["cart-api", "payments-worker"]) {
      const role = roles.find((r) => r.name === `checkout-${service}-build-role`)!;
      expect(role.inputs).toMatchObject({
        name: `checkout.${service}.build`,
        path: "/delivery/checkout/build/",
      });
      const trust = json(role.inputs.assumeRolePolicy);
      expect(trust.Statement[0].Condition!.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([
        `repo:acme-shop/${service}:ref:refs/heads/main`,
      ]);
      const push = json(
        ofType(plans.shared, "aws:iam/rolePolicy:RolePolicy").find(
          (r) => r.name === `checkout-${service}-build-push`,
        )!.inputs.policy,
      );
      expect(push.Statement[0].Resource).toBe(
        `arn:aws:ecr:eu-west-1:123456789012:repository/checkout/${service}`,
      );
    }
  });

  it("builds an arm64 bootstrap image per service with the docker provider", () => {
    const images = ofType(plans.shared, "docker:index/image:Image");
    expect(images).toHaveLength(2);
    for (const i of images) {
      expect(i.provider).toMatch(/\$pulumi:providers:docker::docker$/);
      expect(i.inputs.build).toMatchObject({ platform: "linux/arm64" });
      expect(String(i.inputs.imageName)).toMatch(/\/checkout\/[a-z-]+:bootstrap-[0-9a-f]{12}$/);
      expect(JSON.stringify(i.inputs.registry)).not.toContain("offline-");
    }
    const outputs = plans.shared.outputs.aws as Record<string, any>;
    expect(Object.keys(outputs.registries)).toEqual(["cart-api", "payments-worker"]);
    expect(Object.keys(outputs.buildRoleArns)).toEqual(["cart-api", "payments-worker"]);
    for (const arn of Object.values(outputs.buildRoleArns))
      expect(arn).toMatch(/^arn:aws:iam::123456789012:role\/delivery\/checkout\/build\//);
  });

  it("without bootstrap images there is no Docker and parameters start at the placeholder", async () => {
    const [shared, staging] = await planStacks({
      stacks: ["shared", "staging"],
      team: { ...referenceTeam(), release: { bootstrapImage: false } },
    });
    expect(
      shared.resources.filter((r) => r.type.startsWith("docker:") || r.type === "pulumi:providers:docker"),
    ).toEqual([]);
    for (const p of ofType(staging, "aws:ssm/parameter:Parameter"))
      expect(p.inputs.insecureValue).toBe(NOTHING_RELEASED);
  });
});

describe("previews, in the stack that hosts them (integration's)", () => {
  const services = spec.services.map((s) => s.name);
  it("has per repository a preview document, a preview role and a preview GitHub environment", () => {
    const integration = plans.integration;
    expect(ofType(integration, "aws:ssm/document:Document").map((d) => d.inputs.name)).toEqual(
      expect.arrayContaining(services.map((s) => `checkout-integration-${s}-preview`)),
    );
    const roles = ofType(integration, "aws:iam/role:Role").filter((r) =>
      String(r.inputs.name).endsWith(".preview"),
    );
    expect(roles.map((r) => r.inputs.name).sort()).toEqual(
      services.map((s) => `checkout.${s}.preview`).sort(),
    );
    const envs = ofType(integration, "github:index/repositoryEnvironment:RepositoryEnvironment").filter(
      (e) => e.inputs.environment === "preview",
    );
    expect(envs.map((e) => e.inputs.repository).sort()).toEqual([...services].sort());
    const variables = ofType(
      integration,
      "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    )
      .filter((v) => v.inputs.environment === "preview")
      .map((v) => `${v.inputs.repository}:${v.inputs.variableName}`)
      .sort();
    expect(variables).toEqual(
      services
        .flatMap((s) =>
          ["PREVIEW_DOCUMENT", "PREVIEW_INSTANCE_IDS", "PREVIEW_ROLE_ARN"].map((v) => `${s}:${v}`),
        )
        .sort(),
    );
    // The reference team's previews have their own server, stopped while idle: its address changes
    // at every start, so the agent reads it from instance metadata (no preview domain here).
    const doc = ofType(integration, "aws:ssm/document:Document").find((d) =>
      String(d.inputs.name).endsWith(`-${services[0]}-preview`),
    )!;
    const run: string[] = JSON.parse(String(doc.inputs.content)).mainSteps[0].inputs.runCommand;
    const settings = run
      .find((l) => l.endsWith('>"$dir/settings.env"'))!
      .match(/echo '([A-Za-z0-9+/=]+)'/)![1];
    expect(Buffer.from(settings, "base64").toString()).toMatch(/^PUBLIC_BASE_URL=metadata$/m);
  });
  it("opens the proxy's port 80 on the hosting server even when no service is public", async () => {
    // Previews sharing the integration server (the default without team.previews.instanceType).
    const { previews: _own, ...raw } = referenceTeam() as {
      services: Record<string, unknown>[];
      previews?: unknown;
    };
    const [integration] = await planStacks({
      stacks: ["integration"],
      team: { ...raw, services: raw.services.map((s) => ({ ...s, public: false })) },
    });
    const sg = one(integration, "aws:ec2/securityGroup:SecurityGroup");
    expect((sg.inputs.ingress as { fromPort: number }[]).map((i) => i.fromPort)).toEqual([80]);
  });
  it("runs on their own small server with team.previews.instanceType; the environment's keeps its size", async () => {
    const [integration] = await planStacks({
      stacks: ["integration"],
      team: { ...(referenceTeam() as object), previews: { instanceType: "t4g.small", maxPerService: 2 } },
    });
    const instances = ofType(integration, "aws:ec2/instance:Instance");
    expect(
      instances.map((i) => [(i.inputs.tags as Record<string, string>).Name, i.inputs.instanceType]).sort(),
    ).toEqual([
      ["checkout-integration", "t4g.micro"],
      ["checkout-integration-previews", "t4g.small"],
    ]);
    const previewServer = instances.find((i) => i.name === "checkout-integration-previews-instance")!;
    expect(previewServer.inputs).toMatchObject({
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { volumeType: "gp3", encrypted: true },
    });
    // Its own security group opens the proxy's 80 for previews; it has no services of its own.
    const sg = ofType(integration, "aws:ec2/securityGroup:SecurityGroup").find(
      (g) => g.name === "checkout-integration-previews-sg",
    )!;
    expect((sg.inputs.ingress as { fromPort: number }[]).map((i) => i.fromPort)).toEqual([80]);
    expect(
      ofType(integration, "aws:ssm/association:Association")
        .map((a) => a.inputs.name)
        .sort(),
    ).toEqual(["checkout-integration-boot", "checkout-integration-previews-boot"]);
    // The preview server's instance: the one every preview variable and preview role names.
    const previewVariables = ofType(
      integration,
      "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    ).filter((v) => v.inputs.variableName === "PREVIEW_INSTANCE_IDS");
    expect(previewVariables).toHaveLength(services.length);
    const serverVariables = ofType(
      integration,
      "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    ).filter((v) => v.inputs.variableName === "SERVER_INSTANCE_IDS");
    const previewId = String(previewVariables[0].inputs.value);
    expect(previewId).toMatch(/^i-[0-9a-f]+$/);
    for (const v of previewVariables) expect(v.inputs.value).toBe(previewId);
    for (const v of serverVariables) expect(v.inputs.value).not.toBe(previewId);
    for (const role of ofType(integration, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.name.endsWith("-preview-preview"),
    )) {
      const send = json(role.inputs.policy).Statement.find((st) => st.Sid === "RunPreviewDocumentOnServers")!;
      const instanceArns = ([] as string[])
        .concat(send.Resource as string[])
        .filter((a) => a.includes(":instance/"));
      expect(instanceArns).toEqual([`arn:aws:ec2:eu-west-1:123456789012:instance/${previewId}`]);
    }
    // Stopped while no preview is open: tagged so (the plan prices it idle), its role may start
    // and stop it and nothing else, and it keeps no Elastic IP (the agent reads its address).
    expect((previewServer.inputs.tags as Record<string, string>)["delivery:idle"]).toBe("stopped");
    // A refresh while it is stopped reads associatePublicIpAddress as false (the address is
    // released), which forces replacement: ignored on this server only.
    expect(previewServer.ignoreChanges).toEqual(["associatePublicIpAddress"]);
    const own = instances.find((i) => i.name === "checkout-integration-instance")!;
    expect((own.inputs.tags as Record<string, string>)["delivery:idle"]).toBeUndefined();
    expect(ofType(integration, "aws:ec2/eip:Eip")).toEqual([]);
    for (const role of ofType(integration, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.name.endsWith("-preview-preview"),
    )) {
      const startStop = json(role.inputs.policy).Statement.find(
        (st) => st.Sid === "StartAndStopPreviewServer",
      )!;
      expect(startStop.Resource).toEqual([`arn:aws:ec2:eu-west-1:123456789012:instance/${previewId}`]);
    }
    expect(integration.cost.notes).toEqual(
      expect.arrayContaining([
        // Idle: its 8 GB gp3 only; running: t4g.small $0.0184/h + public IPv4 $0.005/h.
        expect.stringContaining(
          "already in the total (own t4g.small server, stopped while no preview is open: 8 GB gp3 ($0.70); $0.0234 per hour",
        ),
      ]),
    );
  });
  it("gives previews' own server an Elastic IP only with a preview domain (its DNS points there)", async () => {
    const [integration] = await planStacks({
      stacks: ["integration"],
      team: {
        ...(referenceTeam() as object),
        previews: { instanceType: "t4g.medium", domain: "previews.acme.dev" },
      },
    });
    const eips = ofType(integration, "aws:ec2/eip:Eip");
    expect(eips.map((e) => e.name)).toEqual(["checkout-integration-previews-eip"]);
    expect(integration.cost.notes.join("\n")).toContain("Elastic IP for the preview domain ($3.65)");
  });
  it("exists nowhere else", () => {
    for (const stack of ["staging", "production"]) {
      expect(
        ofType(plans[stack], "aws:ssm/document:Document").filter((d) =>
          String(d.inputs.name).endsWith("-preview"),
        ),
      ).toEqual([]);
      expect(ofType(plans[stack], "delivery:aws:PreviewRole")).toEqual([]);
    }
  });
});

describe("environment stacks", () => {
  it.each([
    // The reference team's previews have their own server: integration keeps its own size.
    ["integration", "t4g.micro", false],
    ["staging", "t4g.micro", false],
    ["production", "t4g.small", true],
  ])("%s: a hardened %s server, Elastic IP %s", (stack, instanceType, eip) => {
    // The environment's own server (previews' own server, in integration, is checked above).
    const all = plans[stack];
    const plan = {
      ...all,
      resources: all.resources.filter((r) => !r.name.startsWith(`checkout-${stack}-previews`)),
    };
    const instance = one(plan, "aws:ec2/instance:Instance");
    expect(instance.inputs).toMatchObject({
      instanceType,
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
      // Two services' images fit the AMI's 8 GiB snapshot (team/server-disk.ts).
      rootBlockDevice: { volumeType: "gp3", volumeSize: 8, encrypted: true, tags: { environment: stack } },
      userDataReplaceOnChange: true,
      // EC2's simplified automatic recovery, not a billed CloudWatch alarm per server.
      maintenanceOptions: { autoRecovery: "default" },
    });
    expect(instance.inputs.keyName).toBeUndefined();
    // No ignoreChanges: a --replace or a new pinned AMI takes the AMI the program says.
    expect(instance.ignoreChanges).toEqual([]);
    expect(String(instance.inputs.userData)).toMatch(/^#cloud-config\n/);
    const sg = one(plan, "aws:ec2/securityGroup:SecurityGroup");
    // Only the proxy is reachable; every release listens on loopback.
    expect((sg.inputs.ingress as { fromPort: number }[]).map((i) => i.fromPort)).toEqual([80, 443]);
    expect(ofType(plan, "aws:ec2/eip:Eip")).toHaveLength(eip ? 1 : 0);
    expect(ofType(plan, "aws:ec2/eipAssociation:EipAssociation")).toHaveLength(eip ? 1 : 0);
    expect(ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
    const attachment = one(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachment.inputs.policyArn).toBe("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
    expect(one(plan, "aws:cloudwatch/logGroup:LogGroup").inputs).toMatchObject({
      name: `/delivery/checkout/${stack}/server`,
      retentionInDays: 30,
    });
  });

  it("release parameters start at the bootstrap digest, are retained and leave the value to CI", () => {
    const shared = plans.shared.outputs.aws as Record<string, any>;
    for (const stack of ["integration", "staging", "production"]) {
      const params = ofType(plans[stack], "aws:ssm/parameter:Parameter");
      expect(params.map((p) => p.inputs.name).sort()).toEqual(
        spec.services.map((s) => releaseParameterName("checkout", stack, s.name)).sort(),
      );
      for (const p of params) {
        expect(p).toMatchObject({ retainOnDelete: true, ignoreChanges: ["value", "insecureValue"] });
        const service = String(p.inputs.name).split("/")[4];
        expect(p.inputs.insecureValue).toBe(shared.bootstrapImages[service]);
      }
    }
  });

  it("one deploy role per repository: it trusts that repository's environment and reaches only its own", () => {
    const plan = plans.staging;
    const instanceId = (plan.outputs.aws as Record<string, any>).serverInstanceIds[0];
    for (const service of ["cart-api", "payments-worker"]) {
      const role = ofType(plan, "aws:iam/role:Role").find(
        (r) => r.name === `checkout-staging-${service}-deploy-role`,
      )!;
      expect(role.inputs).toMatchObject({
        name: `checkout.staging.${service}.deploy`,
        path: "/delivery/checkout/deploy/",
      });
      const subjects = json(role.inputs.assumeRolePolicy).Statement[0].Condition!.StringEquals[
        "token.actions.githubusercontent.com:sub"
      ];
      expect(subjects).toEqual([`repo:acme-shop/${service}:environment:staging`]);
      const permissions = json(
        ofType(plan, "aws:iam/rolePolicy:RolePolicy").find(
          (r) => r.name === `checkout-staging-${service}-deploy-deploy`,
        )!.inputs.policy,
      );
      expect(permissions.Statement.find((s) => s.Sid === "RunDeployDocumentOnServers")!.Resource).toEqual([
        `arn:aws:ssm:eu-west-1:123456789012:document/checkout-staging-${service}-deploy`,
        `arn:aws:ec2:eu-west-1:123456789012:instance/${instanceId}`,
      ]);
      expect(permissions.Statement.find((s) => s.Sid === "ReleaseParameter")!.Resource).toBe(
        `arn:aws:ssm:eu-west-1:123456789012:parameter/delivery/checkout/staging/${service}/release`,
      );
      const other = service === "cart-api" ? "payments-worker" : "cart-api";
      expect(JSON.stringify(permissions)).not.toContain(other);
      expect(JSON.stringify(permissions)).not.toContain("/production/");
    }
  });

  it("the server role reads its environment's parameters and cannot write them", () => {
    const policy = json(
      ofType(plans.production, "aws:iam/rolePolicy:RolePolicy").find((r) => /-permissions$/.test(r.name))!
        .inputs.policy,
    );
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toContain("ssm:GetParameter");
    expect(actions.filter((a) => /^ssm:(Put|Delete|Label)/.test(a))).toEqual([]);
  });

  it("exposes what the GitHub environment needs", () => {
    const out = plans.production.outputs.aws as Record<string, any>;
    expect(Object.keys(out).sort()).toEqual([
      "bootDocument",
      "deployDocuments",
      "deployRoleArns",
      "logGroup",
      "publicIp",
      "publicUrls",
      "releaseParameters",
      "serverAmi",
      "serverInstanceIds",
    ]);
    // No domain: plain HTTP on the address, each service under its path, through the proxy.
    expect(out.publicUrls["cart-api"]).toMatch(/^http:\/\/203\.0\.113\.\d+\/cart-api\/$/);
    expect(out.deployDocuments["cart-api"]).toBe("checkout-production-cart-api-deploy");
  });

  it("no mandatory policy violation on AWS resources", () => {
    for (const plan of Object.values(plans)) {
      expect(
        plan.policy.violations.filter((v) => v.level === "mandatory" && /aws:|docker:/.test(v.urn)),
      ).toEqual([]);
    }
  });
});

describe("a 100-service team's roles, as the program renders them", () => {
  let large: StackPlan[];
  beforeAll(async () => {
    large = await planStacks({ stacks: ["shared", "production"], team: generatedTeam(referenceTeam(), 100) });
  }, 120_000);

  it("one build role per repository, one deploy role per repository, each within IAM's size limits", () => {
    const [shared, production] = large;
    const trusting = (p: StackPlan) =>
      ofType(p, "aws:iam/role:Role").filter((r) => String(r.inputs.assumeRolePolicy).includes(":sub"));
    expect(trusting(shared)).toHaveLength(100);
    expect(trusting(production)).toHaveLength(100);
    for (const plan of large) {
      // IAM counts a policy without whitespace; the program sends it without any.
      for (const role of ofType(plan, "aws:iam/role:Role")) {
        expect([role.name, String(role.inputs.assumeRolePolicy).length <= 2048]).toEqual([role.name, true]);
        expect([role.name, String(role.inputs.name).length <= 64]).toEqual([role.name, true]);
      }
      const inline = new Map<string, number>();
      for (const p of ofType(plan, "aws:iam/rolePolicy:RolePolicy")) {
        const role = String(p.inputs.role);
        inline.set(role, (inline.get(role) ?? 0) + String(p.inputs.policy).length);
      }
      expect(inline.size).toBeGreaterThan(0);
      for (const [role, size] of inline) expect([role, size <= 10240]).toEqual([role, true]);
    }
  });
});
