/**
 * The offline plan's runner: the JSON contract over the reference team's four stacks, secrets,
 * StackReference answers, options captured by the stack transformation, and loud failures.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configIssues, discoverStacks, PlanError, stackConfig } from "../plan/runner";
import {
  byType,
  childrenOf,
  CONTRACT_RESOURCE_FIELDS,
  find,
  planStacks,
  type PlannedResource,
  type StackPlan,
} from "./harness";
import { REPO_ROOT } from "./fixtures";
import { renderStack } from "../plan/text";
import { referencedOutputsProgram } from "../stacks/program";
import { SHARED_OUTPUTS_READ_BY_ENVIRONMENTS } from "../stacks/shared";

const STACKS = ["shared", "integration", "staging", "production"];
/** Values the tests inject for `secure:` keys: none may appear anywhere in a plan. */
const SECRETS = {
  githubToken: "ghp_TESTSECRETTOKEN0123456789",
  slackWebhookUrl: "https://hooks.slack.com/services/T0SECRET/B0SECRET/XyZsecretWebhook",
  sentryAuthToken: "sntrys_TESTSECRETSENTRY",
};

let plans: StackPlan[];

beforeAll(async () => {
  plans = await planStacks({ stacks: STACKS, secrets: SECRETS });
});

describe("the JSON contract", () => {
  it("plans every stack of the reference team, in the order asked", () => {
    expect(plans.map((p) => [p.project, p.stack])).toEqual(STACKS.map((s) => ["delivery-workflow", s]));
    expect(discoverStacks()).toEqual(STACKS);
  });

  it("gives every resource its URN, type token, parent, provider and options", () => {
    for (const plan of plans) {
      const urns = new Set(plan.resources.map((r) => r.urn));
      expect(urns.size).toBe(plan.resources.length);
      const roots = plan.resources.filter((r) => r.parent === null);
      expect(roots.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
      for (const r of plan.resources) {
        expect(r.urn).toMatch(
          new RegExp(
            `^urn:pulumi:${plan.stack}::delivery-workflow::(\\S+\\$)?${escape(r.type)}::${escape(r.name)}$`,
          ),
        );
        expect(r.type).toMatch(/^[a-z0-9-]+:[A-Za-z0-9/_-]*:[A-Za-z0-9]+$/);
        if (r.parent !== null) expect(urns.has(r.parent)).toBe(true);
        expect(typeof r.custom).toBe("boolean");
        expect(r.inputs).toEqual(expect.any(Object));
        expect(typeof r.protect).toBe("boolean");
        expect(typeof r.retainOnDelete).toBe("boolean");
        for (const f of ["dependsOn", "aliases", "ignoreChanges"] as const)
          expect(Array.isArray(r[f])).toBe(true);
        expect(Object.keys(r)).toEqual(expect.arrayContaining([...CONTRACT_RESOURCE_FIELDS]));
      }
    }
  });

  it("gives every cloud resource an explicit provider of its own package, and components none", () => {
    for (const plan of plans) {
      const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
      for (const r of plan.resources) {
        const managed = r.custom && !r.type.startsWith("pulumi:");
        if (!managed) {
          expect([r.urn, r.provider]).toEqual([r.urn, null]);
          continue;
        }
        const provider = byUrn.get(r.provider ?? "");
        expect([r.urn, provider?.type]).toEqual([r.urn, `pulumi:providers:${r.type.split(":")[0]}`]);
      }
    }
  });

  it("shows secret inputs as [secret] and never the injected values", () => {
    const text = JSON.stringify(plans);
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    for (const plan of plans) {
      expect(find(plan, "pulumi:providers:github", "github").inputs.token).toBe("[secret]");
    }
  });

  it("has outputs, policy and cost sections of the documented shape", () => {
    for (const plan of plans) {
      expect(plan.outputs).toEqual(expect.any(Object));
      expect(Array.isArray(plan.policy.violations)).toBe(true);
      for (const v of plan.policy.violations) {
        expect(v).toEqual({
          policy: expect.any(String),
          level: expect.stringMatching(/^(mandatory|advisory)$/),
          urn: expect.any(String),
          message: expect.any(String),
        });
      }
      expect(plan.cost).toEqual(
        expect.objectContaining({
          currency: "USD",
          monthly: expect.any(Number),
          items: expect.any(Array),
          prices: {
            region: "eu-west-1",
            asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
            source: expect.stringContaining("https://aws.amazon.com/"),
          },
        }),
      );
      const sum = plan.cost.items.reduce((n, i) => n + i.monthly, 0);
      expect(plan.cost.monthly).toBeCloseTo(sum, 2);
      const urns = new Set(plan.resources.map((r) => r.urn));
      for (const item of plan.cost.items) expect(urns.has(item.urn)).toBe(true);
    }
  });

  it("is deterministic: planning again gives the same document", async () => {
    const [again] = await planStacks({ stacks: ["staging"], secrets: SECRETS });
    expect(again).toEqual(plans[2]);
  });

  it("lets the harness find resources and their children", () => {
    const shared = plans[0];
    const stack = find(shared, "pulumi:pulumi:Stack", "delivery-workflow-shared");
    expect(childrenOf(shared, stack.urn).length).toBeGreaterThan(2);
    expect(byType(shared, "pulumi:providers:aws")).toHaveLength(1);
    expect(() => find(shared, "pulumi:providers:aws", "nope")).toThrow(
      /no pulumi:providers:aws named "nope" in stack shared \(there are: aws\)/,
    );
  });
});

describe("config", () => {
  it("turns Pulumi.yaml and the stack file into project:key strings, secure keys into secret placeholders", () => {
    const { project, config, secretKeys } = stackConfig(process.cwd(), "staging");
    expect(project).toBe("delivery-workflow");
    expect(JSON.parse(config["delivery-workflow:team"]).name).toBe("checkout");
    expect(config["delivery-workflow:environment"]).toBe("staging");
    expect(JSON.parse(config["pulumi:disable-default-providers"])).toEqual([
      "aws",
      "github",
      "docker",
      "kubernetes",
    ]);
    expect(secretKeys).toEqual([
      "delivery-workflow:githubToken",
      "delivery-workflow:sentryAuthToken",
      "delivery-workflow:slackWebhookUrl",
    ]);
    expect(config["delivery-workflow:slackWebhookUrl"]).toMatch(/^https:\/\/hooks\.slack\.com\/services\//);
    expect(config["delivery-workflow:githubToken"]).toBe("offline-placeholder-githubToken");
  });

  it("applies per-stack overrides, the team override and injected secrets", () => {
    const { config, secretKeys } = stackConfig(process.cwd(), "shared", {
      team: { name: "other" },
      config: { shared: { "delivery-workflow:role": "shared", extra: "1" } },
      secrets: { "delivery-workflow:githubAppPrivateKey": "pem" },
    });
    expect(config["delivery-workflow:team"]).toBe('{"name":"other"}');
    expect(config["delivery-workflow:extra"]).toBe("1");
    expect(config["delivery-workflow:githubAppPrivateKey"]).toBe("pem");
    expect(secretKeys).toContain("delivery-workflow:githubAppPrivateKey");
  });

  it("rejects a bad team spec with ConfigError naming every key", async () => {
    const team = {
      ...require("./fixtures").referenceTeamRaw(),
      name: "Bad Name",
      branchModel: "gitflow",
      colour: "blue",
    };
    const err = await planStacks({ stacks: ["shared"], team }).catch((e) => e);
    expect(err.name).toBe("ConfigError");
    const paths = configIssues(err)!.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["team.name", "team.branchModel"]));
    expect(paths.some((p) => p.includes("colour"))).toBe(true);
  });

  it("rejects a stack without a stack file with PlanError", async () => {
    await expect(planStacks({ stacks: ["nope"] })).rejects.toThrow(PlanError);
    await expect(planStacks({ stacks: ["nope"] })).rejects.toThrow(/no stack file Pulumi\.nope\.yaml/);
  });
});

describe("StackReference", () => {
  it("is answered with the shared stack's own outputs", () => {
    const shared = plans[0];
    for (const env of plans.slice(1)) {
      const ref = find(env, "pulumi:pulumi:StackReference", "shared");
      expect(ref.inputs.name).toBe("organization/delivery-workflow/shared");
      expect(env.outputs.sharedTeam).toBe(shared.outputs.team);
    }
  });

  it("plans the referenced stack first when it was not asked for, and returns only what was asked", async () => {
    const only = await planStacks({ stacks: ["production"], secrets: SECRETS });
    expect(only.map((p) => p.stack)).toEqual(["production"]);
    expect(only[0].outputs.sharedTeam).toBe("checkout");
    // Answered by the shared program's referenced part alone: the same plan as after the full stack.
    expect(only[0]).toEqual(plans[3]);
  });

  it("answers from the part of the shared program that produces what environments read, equal to the full stack's", async () => {
    const [referenced] = await planStacks({
      stacks: ["shared"],
      secrets: SECRETS,
      program: () => referencedOutputsProgram(),
    });
    expect(Object.keys(referenced.outputs).sort()).toEqual([...SHARED_OUTPUTS_READ_BY_ENVIRONMENTS].sort());
    for (const name of SHARED_OUTPUTS_READ_BY_ENVIRONMENTS)
      expect([name, referenced.outputs[name]]).toEqual([name, plans[0].outputs[name]]);
    // Its AWS section only: no repository, file or ruleset is planned to answer a reference.
    expect(referenced.resources.filter((r) => r.type.startsWith("github:index/"))).toEqual([]);
    expect(byType(referenced, "aws:ecr/repository:Repository")).toHaveLength(
      byType(plans[0], "aws:ecr/repository:Repository").length,
    );
  });

  it("keeps the referenced stack's secret outputs secret", async () => {
    const program = () => {
      if (pulumi.getStack() === "shared") return { token: pulumi.secret("s3cr3t-output"), plain: "visible" };
      const ref = new pulumi.StackReference("shared", { name: "organization/delivery-workflow/shared" });
      return { token: ref.getOutput("token"), plain: ref.getOutput("plain"), whole: ref.outputs };
    };
    const [shared, env] = await planStacks({ stacks: ["shared", "staging"], program });
    expect(shared.outputs).toEqual({ token: "[secret]", plain: "visible" });
    expect(env.outputs.token).toBe("[secret]");
    expect(env.outputs.plain).toBe("visible");
    expect(JSON.stringify(env)).not.toContain("s3cr3t-output");
  });
});

describe("options the mocks do not see", () => {
  let plan: StackPlan;
  let get: (name: string) => PlannedResource;

  beforeAll(async () => {
    const program = () => {
      const provider = new aws.Provider("aws", { region: "eu-west-1" });
      class Box extends pulumi.ComponentResource {
        constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
          super("delivery:test:Box", name, {}, opts);
          const repo = new aws.ecr.Repository(
            `${name}-repo`,
            { name: "box" },
            {
              parent: this,
              provider,
              retainOnDelete: true,
              ignoreChanges: ["tags"],
              aliases: [{ name: "old-repo" }],
            },
          );
          new aws.ssm.Parameter(
            `${name}-param`,
            { type: "String", value: pulumi.secret("hunter2") },
            { parent: this, provider, dependsOn: [repo], protect: false },
          );
          this.registerOutputs({});
        }
      }
      new Box("box", { protect: true });
      new aws.ssm.Parameter("plain", { type: "String", value: "v" }, { provider });
      return {};
    };
    [plan] = await planStacks({ stacks: ["shared"], program });
    get = (name) => plan.resources.find((r) => r.name === name)!;
  });

  it("records parent, provider and type of each resource", () => {
    const box = get("box");
    expect(box.type).toBe("delivery:test:Box");
    expect(box.custom).toBe(false);
    expect(get("box-repo").parent).toBe(box.urn);
    expect(get("box-repo").urn).toBe(
      "urn:pulumi:shared::delivery-workflow::delivery:test:Box$aws:ecr/repository:Repository::box-repo",
    );
    expect(get("box-repo").provider).toBe(get("aws").urn);
  });

  it("captures protect (inherited from the parent unless set), retainOnDelete, dependsOn, aliases and ignoreChanges", () => {
    const repo = get("box-repo");
    expect(repo.protect).toBe(true);
    expect(repo.retainOnDelete).toBe(true);
    expect(repo.ignoreChanges).toEqual(["tags"]);
    expect(repo.aliases).toEqual([
      "urn:pulumi:shared::delivery-workflow::delivery:test:Box$aws:ecr/repository:Repository::old-repo",
    ]);
    const param = get("box-param");
    expect(param.protect).toBe(false);
    expect(param.dependsOn).toEqual([repo.urn]);
    expect(param.inputs.value).toBe("[secret]");
    const plain = get("plain");
    expect([
      plain.protect,
      plain.retainOnDelete,
      plain.dependsOn,
      plain.aliases,
      plain.ignoreChanges,
    ]).toEqual([false, false, [], [], []]);
    // The AWS SDK marks an SSM parameter value secret even when given in plain text.
    expect(plain.inputs).toEqual({ type: "String", value: "[secret]" });
  });
});

describe("the fake cloud fails loudly", () => {
  it("plans a resource type it has no entry for by convention, and lists it as an assumption", async () => {
    const program = () => {
      const provider = new aws.Provider("aws", { region: "eu-west-1" });
      const topic = new aws.sns.Topic("alerts", { name: "alerts" }, { provider });
      return { arn: topic.arn };
    };
    const [plan] = await planStacks({ stacks: ["shared"], program });
    expect(plan.outputs.arn).toBe("arn:aws:sns:eu-west-1:123456789012:topic/alerts");
    expect(plan.assumptions).toEqual([
      {
        kind: "fake-outputs",
        name: "aws:sns/topic:Topic",
        source: "urn:pulumi:shared::delivery-workflow::pulumi:pulumi:Stack$aws:sns/topic:Topic::alerts",
        why: expect.stringContaining("no entry for this type"),
      },
    ]);
  });

  it("on a function it does not know, naming the token", async () => {
    const program = async () => {
      const provider = new aws.Provider("aws", { region: "eu-west-1" });
      await aws.s3.getBucket({ bucket: "b" }, { provider });
      return {};
    };
    await expect(planStacks({ stacks: ["shared"], program })).rejects.toThrow(
      /no entry for function "aws:s3\/getBucket:getBucket"/,
    );
  });

  it("on a resource without an explicit provider (default providers are disabled)", async () => {
    const program = () => {
      new aws.ecr.Repository("r", {});
      return {};
    };
    await expect(planStacks({ stacks: ["shared"], program })).rejects.toThrow(
      /Default provider for 'aws' disabled\. 'aws:ecr\/repository:Repository'.*must use an explicit provider/,
    );
  });

  it("answers the calls it knows with plausible values", async () => {
    const program = async () => {
      const provider = new aws.Provider("aws", { region: "eu-west-1" });
      const [id, part] = await Promise.all([
        aws.getCallerIdentity({}, { provider }),
        aws.getPartition({}, { provider }),
      ]);
      const repo = new aws.ecr.Repository("r", { name: "svc" }, { provider });
      return {
        account: id.accountId,
        partition: part.partition,
        url: repo.repositoryUrl,
        arn: repo.arn,
      };
    };
    const [plan] = await planStacks({ stacks: ["shared"], program });
    expect(plan.outputs).toEqual({
      account: "123456789012",
      partition: "aws",
      url: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc",
      arn: "arn:aws:ecr:eu-west-1:123456789012:repository/svc",
    });
  });
});

describe("assumptions: lookups facts.yaml does not confirm", () => {
  it("lists none for the reference team, whose facts.yaml confirms every login, team and network", () => {
    for (const plan of plans) expect([plan.stack, plan.assumptions]).toEqual([plan.stack, []]);
  });

  it("lists a production reviewer nobody declared, by login, in the plan and its text", async () => {
    const team = require("./fixtures").referenceTeamRaw();
    const production = team.environments.find((e: { name: string }) => e.name === "production");
    production.requiredReviewers = ["alice-lead", "alice-leed"];
    const [plan] = await planStacks({ stacks: ["production"], team });
    expect(plan.assumptions).toEqual([
      {
        kind: "github-user",
        name: "alice-leed",
        source: "github:index/getUser:getUser",
        why: expect.stringContaining("not among github.users of facts.yaml for acme-shop"),
      },
    ]);
    expect(renderStack(plan)).toMatch(
      /Assumptions: 1 not confirmed by facts\.yaml\n {2}\[github-user\] alice-leed: /,
    );
  });

  it("lists the account, the default VPC and every login when there is no facts.yaml", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-facts-"));
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.shared.yaml", "Pulumi.staging.yaml"])
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
      const [shared, staging] = await planStacks({ stacks: ["shared", "staging"], dir });
      const kinds = (p: StackPlan) => [...new Set(p.assumptions.map((a) => a.kind))].sort();
      expect(kinds(shared)).toEqual(["aws-account", "github-user"]);
      // The server runtime looks up the zones offering its instance type and its existing root
      // volume: without facts, both assumed.
      expect(kinds(staging)).toEqual([
        "aws-account",
        "aws-instance-type-offering",
        "aws-root-volume",
        "aws-vpc",
      ]);
      expect(staging.assumptions.find((a) => a.kind === "aws-instance-type-offering")).toMatchObject({
        name: "t4g.micro",
        source: "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings",
        why: expect.stringContaining("aws.instanceTypeOfferings.eu-west-1.t4g.micro"),
      });
      expect(shared.assumptions.filter((a) => a.kind === "github-user").map((a) => a.name)).toEqual([
        "alice-lead",
        "bob-ops",
        "carol-payments",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("launches in a zone facts.yaml says offers the type, and assumes a type it does not list", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offerings-"));
    const facts = (offered: string) =>
      fs
        .readFileSync(path.join(REPO_ROOT, "facts.yaml"), "utf8")
        .replace(/t4g\.small: \[[^\]]*\]/, `t4g.small: [${offered}]`);
    const serverSubnet = (plan: StackPlan) =>
      plan.resources.find((r) => r.type === "aws:ec2/instance:Instance")?.inputs.subnetId;
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.shared.yaml", "Pulumi.production.yaml"])
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
      // Declared in eu-west-1b only: the server takes that zone's default subnet, nothing assumed.
      fs.writeFileSync(path.join(dir, "facts.yaml"), facts("eu-west-1b"));
      const [production] = await planStacks({ stacks: ["production"], dir });
      expect(production.assumptions).toEqual([]);
      expect(serverSubnet(production)).toBe("subnet-0a1b2c3d4e5f60002");

      // A type facts.yaml does not list: assumed offered everywhere, and said so.
      const team = require("./fixtures").referenceTeamRaw();
      team.environments.find((e: { name: string }) => e.name === "production").instanceType = "t4g.large";
      const [large] = await planStacks({ stacks: ["production"], dir, team });
      expect(large.assumptions.map((a) => [a.kind, a.name])).toEqual([
        ["aws-instance-type-offering", "t4g.large"],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a malformed facts.yaml, naming each bad key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-facts-"));
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.shared.yaml"])
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
      fs.writeFileSync(
        path.join(dir, "facts.yaml"),
        "github: {owner: acme-shop, users: [ok, 7]}\naws: {accountId: '12', colour: blue, instanceTypeOfferings: {eu-west-1: {T4G: [eu-west-1a]}}, rootVolumes: {checkout-production: 16, checkout-staging-root: 0}}\n",
      );
      const err = await planStacks({ stacks: ["shared"], dir }).catch((e) => e);
      expect(err).toBeInstanceOf(PlanError);
      expect(err.message).toContain("facts.github.users[1]:");
      expect(err.message).toContain("facts.aws.accountId:");
      expect(err.message).toMatch(/facts\.aws.*colour/);
      expect(err.message).toContain("facts.aws.instanceTypeOfferings.eu-west-1.T4G: ");
      expect(err.message).toContain("facts.aws.rootVolumes.checkout-production: ");
      expect(err.message).toContain("facts.aws.rootVolumes.checkout-staging-root: ");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/$]/g, "\\$&");
}
