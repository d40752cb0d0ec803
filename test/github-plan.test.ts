/**
 * The GitHub components through the offline plan (the fake cloud is the mock engine): type,
 * name, parent, provider, key inputs and options of every resource they register.
 */
import * as fs from "fs";
import * as path from "path";
import * as github from "@pulumi/github";
import { planStacks, type PlannedResource, type StackPlan } from "./harness";
import {
  deploymentOf,
  ENVIRONMENT_VARIABLES,
  KUBERNETES_ENVIRONMENT_VARIABLES,
  GITHUB_ACTIONS_APP_ID,
  RELEASE_TAG,
  releasePolicy,
  REPOSITORY_SECRETS,
  REPOSITORY_VARIABLES,
  STATUS_CHECKS,
} from "../components/release";
import {
  codeownersFile,
  DeploymentEnvironment,
  maintainersTeamName,
  repositoryRulesets,
} from "../components/github";
import { requiredAppPermissions } from "../components/github/app-permissions";
import { referenceTeam, referenceTeamRaw } from "./fixtures";

/** The parts of the raw spec these tests edit. */
interface RawTeam {
  branchModel?: string;
  services: Array<Record<string, unknown>>;
  environments: Array<{ role?: string; requiredReviewers?: string[] }>;
  quality?: Record<string, unknown>;
}
const rawTeam = () => referenceTeamRaw() as unknown as RawTeam;

const GITHUB_PROVIDER = /::pulumi:pulumi:Stack\$pulumi:providers:github::github$/;

const byName = (plan: StackPlan, name: string): PlannedResource => {
  const found = plan.resources.find((r) => r.name === name);
  if (!found)
    throw new Error(
      `no resource named ${name} in ${plan.stack}: ${plan.resources.map((r) => r.name).join(", ")}`,
    );
  return found;
};
const ofType = (plan: StackPlan, type: string) => plan.resources.filter((r) => r.type === type);
const githubResources = (plan: StackPlan) => plan.resources.filter((r) => r.type.startsWith("github:"));

let shared: StackPlan;
let production: StackPlan;

beforeAll(async () => {
  [shared, production] = await planStacks({ stacks: ["shared", "production"] });
});

describe("every GitHub resource", () => {
  it("uses the explicit GitHub provider and sits under a delivery component", () => {
    for (const plan of [shared, production]) {
      const resources = githubResources(plan);
      expect(resources.length).toBeGreaterThanOrEqual(8);
      for (const r of resources) {
        expect([r.name, r.provider]).toEqual([r.name, expect.stringMatching(GITHUB_PROVIDER)]);
        const parent = plan.resources.find((p) => p.urn === r.parent);
        expect([r.name, parent?.type]).toEqual([r.name, expect.stringMatching(/^delivery:/)]);
        // Children are named from their component's name.
        expect(r.name.startsWith(parent!.name)).toBe(true);
      }
    }
  });

  it("never sends a secret through plaintextValue", () => {
    for (const plan of [shared, production]) {
      for (const r of githubResources(plan)) expect(r.inputs).not.toHaveProperty("plaintextValue");
    }
  });
});

describe("shared stack", () => {
  it("creates one protected, archive-on-destroy repository per service", () => {
    const repos = ofType(shared, "github:index/repository:Repository");
    expect(repos.map((r) => r.name).sort()).toEqual([
      "checkout-cart-api-repo",
      "checkout-payments-worker-repo",
    ]);
    const cart = byName(shared, "checkout-cart-api-repo");
    expect(cart.protect).toBe(true);
    const component = shared.resources.find(
      (r) => r.name === "checkout-cart-api" && r.type === "delivery:github:ServiceRepository",
    );
    expect(cart.parent).toBe(component?.urn);
    // Its rulesets are a sibling component of the same name, created after the pipeline's files,
    // and each ruleset is the same resource it was as the repository component's child.
    const rulesets = byName(shared, "checkout-cart-api-ruleset-branch-main");
    expect(shared.resources.find((r) => r.urn === rulesets.parent)?.type).toBe(
      "delivery:github:RepositoryRulesets",
    );
    expect(rulesets.aliases).toContain(
      `${component?.urn.replace(/::[^:]+$/, "")}$github:index/repositoryRuleset:RepositoryRuleset::checkout-cart-api-ruleset-branch-main`,
    );
    expect(cart.inputs).toMatchObject({
      name: "cart-api",
      description: "Shopping cart HTTP API",
      visibility: "private",
      topics: ["checkout", "api"],
      archiveOnDestroy: true,
      autoInit: true,
      deleteBranchOnMerge: true,
      vulnerabilityAlerts: true,
      allowSquashMerge: true,
      allowMergeCommit: false,
      allowRebaseMerge: false,
    });
    expect(cart.inputs).not.toHaveProperty("defaultBranch");
    expect(byName(shared, "checkout-cart-api-default-branch").inputs).toMatchObject({
      repository: "cart-api",
      branch: "main",
      rename: false,
    });
  });

  it("creates the team, its maintainers' child team and their authoritative members", () => {
    const team = byName(shared, "checkout-access-team");
    const maintainers = byName(shared, "checkout-access-maintainers");
    expect(team.inputs).toMatchObject({
      name: "checkout",
      privacy: "closed",
      createDefaultMaintainer: false,
    });
    expect(maintainers.inputs).toMatchObject({
      name: maintainersTeamName(referenceTeam()),
      parentTeamId: expect.any(String),
    });
    expect(byName(shared, "checkout-access-team-members").inputs.members).toEqual([
      { username: "alice-lead", role: "maintainer" },
      { username: "bob-ops", role: "maintainer" },
      { username: "carol-payments", role: "member" },
    ]);
    expect(byName(shared, "checkout-access-maintainers-members").inputs.members).toHaveLength(2);
  });

  it("grants the team push, the maintainers maintain and the reviewer team push on each repository", () => {
    const grants = ofType(shared, "github:index/teamRepository:TeamRepository")
      .filter((r) => r.inputs.repository === "cart-api")
      .map((r) => [r.name, r.inputs.permission]);
    expect(grants.sort()).toEqual([
      ["checkout-cart-api-access-checkout-devs", "push"],
      ["checkout-cart-api-access-maintainers", "maintain"],
      ["checkout-cart-api-access-team", "push"],
    ]);
    expect(byName(shared, "checkout-cart-api-access-checkout-devs").inputs.teamId).toBe("checkout-devs");
  });

  it("commits the generated CODEOWNERS to the protected branch", () => {
    const spec = referenceTeam();
    const file = byName(shared, "checkout-payments-worker-codeowners-main");
    expect(file.inputs).toMatchObject({
      repository: "payments-worker",
      branch: "main",
      file: ".github/CODEOWNERS",
      overwriteOnCreate: true,
      content: codeownersFile(spec, spec.services[1]),
    });
    expect(file.ignoreChanges).toEqual(["repository"]);
  });

  it("registers exactly the builders' rulesets, with team ids resolved and no Actions app bypass", () => {
    const spec = referenceTeam();
    const expected = repositoryRulesets(spec, releasePolicy(spec), maintainersTeamName(spec));
    const planned = ofType(shared, "github:index/repositoryRuleset:RepositoryRuleset").filter(
      (r) => r.inputs.repository === "cart-api",
    );
    expect(planned.map((r) => r.name).sort()).toEqual(
      expected.map((r) => `checkout-cart-api-ruleset-${r.key}`).sort(),
    );
    for (const r of expected) {
      const p = byName(shared, `checkout-cart-api-ruleset-${r.key}`);
      expect(p.inputs).toMatchObject({
        name: r.name,
        target: r.target,
        enforcement: "active",
        conditions: r.conditions,
      });
      expect(p.inputs.rules).toEqual(JSON.parse(JSON.stringify(r.rules)));
      // Rulesets come after the files and branches they protect.
      expect(p.dependsOn).toContain(byName(shared, "checkout-cart-api-codeowners-main").urn);
    }
    const creation = byName(shared, "checkout-cart-api-ruleset-release-tag-creation");
    expect(creation.inputs.bypassActors).toEqual([
      { actorType: "Team", actorId: expect.any(Number), bypassMode: "always" },
    ]);
    // Never the GitHub Actions app: GitHub refuses it (422) and no workflow may create a tag.
    expect(JSON.stringify(creation.inputs.bypassActors)).not.toContain(String(GITHUB_ACTIONS_APP_ID));
    // Only the GitHub App Pulumi runs as (Pulumi.shared.yaml) bypasses the branch ruleset.
    expect(byName(shared, "checkout-cart-api-ruleset-branch-main").inputs.bypassActors).toEqual([
      { actorType: "Integration", actorId: 1234567, bypassMode: "always" },
    ]);
  });

  it("sets the repository variables it has values for", () => {
    const vars = ofType(shared, "github:index/actionsVariable:ActionsVariable").filter(
      (r) => r.inputs.repository === "cart-api",
    );
    expect(vars.map((v) => [v.inputs.variableName, v.inputs.value])).toContainEqual([
      "AWS_REGION",
      "eu-west-1",
    ]);
    // Every repository variable the workflows read is set (names from the contract).
    expect(vars.map((v) => v.inputs.variableName).sort()).toEqual(Object.values(REPOSITORY_VARIABLES).sort());
  });
});

describe("production stack", () => {
  it("creates the environment on each repository with the policy's reviewers, wait and fence", () => {
    const env = byName(production, "checkout-production-cart-api-env");
    expect(env.type).toBe("github:index/repositoryEnvironment:RepositoryEnvironment");
    const component = production.resources.find((r) => r.type === "delivery:github:DeploymentEnvironment");
    expect(component?.name).toBe("checkout-production");
    expect(env.parent).toBe(component?.urn);
    expect(env.inputs).toMatchObject({
      repository: "cart-api",
      environment: "production",
      waitTimer: 5,
      preventSelfReview: true,
      canAdminsBypass: false,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    const reviewers = env.inputs.reviewers as Array<{ users: number[]; teams: number[] }>;
    expect(reviewers[0].users).toHaveLength(2);
    for (const id of reviewers[0].users) expect(Number.isInteger(id)).toBe(true);
    const policies = ofType(
      production,
      "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    ).filter((p) => p.inputs.repository === "cart-api");
    expect(policies.map((p) => p.inputs)).toEqual([
      { repository: "cart-api", environment: "production", tagPattern: "v[0-9]*.[0-9]*.[0-9]*" },
      // rollback.yml runs from the default branch for every environment.
      { repository: "cart-api", environment: "production", branchPattern: "main" },
    ]);
    expect(production.outputs.githubEnvironment).toMatchObject({
      reviewers: ["alice-lead", "bob-ops"],
      admits: ["refs/tags/v[0-9]*.[0-9]*.[0-9]*", "refs/heads/main"],
      exactRule: RELEASE_TAG.regex,
    });
  });

  it("sets every environment variable the deploy jobs read, per repository", () => {
    const vars = ofType(
      production,
      "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    ).filter((v) => v.inputs.repository === "cart-api");
    expect(vars.map((v) => v.inputs.variableName).sort()).toEqual(
      Object.values(ENVIRONMENT_VARIABLES)
        .filter((v) => !KUBERNETES_ENVIRONMENT_VARIABLES.includes(v))
        .sort(),
    );
    for (const v of vars) expect([v.name, typeof v.inputs.value]).toEqual([v.name, "string"]);
  });

  it("sends configured secrets through `value`, as secrets", () => {
    const secrets = ofType(production, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    expect(secrets.map((s) => s.name).sort()).toEqual([
      "checkout-production-cart-api-secret-sentry-auth-token",
      "checkout-production-cart-api-secret-slack-webhook-url",
      "checkout-production-payments-worker-secret-sentry-auth-token",
      "checkout-production-payments-worker-secret-slack-webhook-url",
    ]);
    for (const s of secrets) {
      expect(s.inputs.value).toBe("[secret]");
      expect(s.inputs.secretName).toMatch(/^(SLACK_WEBHOOK_URL|SENTRY_AUTH_TOKEN)$/);
    }
  });
});

describe("shared stack: repository secrets", () => {
  it("gives every repository the Slack webhook the final notify job reads, as a secret through `value`", () => {
    const secrets = ofType(shared, "github:index/actionsSecret:ActionsSecret");
    // The reference team notifies Slack and has no Sonar: no token is configured or created.
    expect(secrets.map((s) => [s.name, s.inputs.repository, s.inputs.secretName]).sort()).toEqual([
      ["checkout-cart-api-secret-slack-webhook-url", "cart-api", REPOSITORY_SECRETS.slackWebhookUrl],
      [
        "checkout-payments-worker-secret-slack-webhook-url",
        "payments-worker",
        REPOSITORY_SECRETS.slackWebhookUrl,
      ],
    ]);
    for (const s of secrets) {
      expect(s.inputs.value).toBe("[secret]");
      expect(s.inputs).not.toHaveProperty("plaintextValue");
    }
  });

  it("sets SONAR_TOKEN from the shared stack's sonarToken when the team uses Sonar", async () => {
    const team = rawTeam();
    team.quality = { sonar: { hostUrl: "https://sonarcloud.io", organization: "acme-shop" } };
    const [plan] = await planStacks({
      stacks: ["shared"],
      team,
      secrets: { sonarToken: "squ_offlineSONARtoken0123456789" },
    });
    const secrets = ofType(plan, "github:index/actionsSecret:ActionsSecret");
    const sonar = secrets.filter((s) => s.inputs.secretName === REPOSITORY_SECRETS.sonarToken);
    expect(sonar.map((s) => s.inputs.repository).sort()).toEqual(["cart-api", "payments-worker"]);
    for (const s of sonar) expect(s.inputs.value).toBe("[secret]");
    // Dependabot's pull requests read only Dependabot secrets: the required sonar check needs it there too.
    const dependabot = ofType(plan, "github:index/dependabotSecret:DependabotSecret");
    expect(dependabot.map((s) => [s.inputs.repository, s.inputs.secretName, s.inputs.value]).sort()).toEqual([
      ["cart-api", REPOSITORY_SECRETS.sonarToken, "[secret]"],
      ["payments-worker", REPOSITORY_SECRETS.sonarToken, "[secret]"],
    ]);
    expect(requiredAppPermissions(plan.resources.map((r) => r.type))).toMatchObject({
      dependabot_secrets: "write",
    });
    expect(JSON.stringify(plan)).not.toContain("squ_offlineSONARtoken0123456789");
    // The same spec requires the sonar check on every protected branch.
    const main = byName(plan, "checkout-cart-api-ruleset-branch-main");
    const rules = main.inputs.rules as { requiredStatusChecks: { requiredChecks: unknown[] } };
    expect(rules.requiredStatusChecks.requiredChecks).toContainEqual({
      context: STATUS_CHECKS.sonar,
      integrationId: GITHUB_ACTIONS_APP_ID,
    });
  });
});

describe("the READMEs' App permission tables", () => {
  /** `| Members (organization) | write | shared | …` → ["members", "write", "shared"]. */
  const rows = (file: string, columns: number) =>
    fs
      .readFileSync(path.join(__dirname, "..", file), "utf8")
      .split("\n")
      .map((line) => line.split("|").map((c) => c.trim()))
      .filter((c) => c.length > columns && /^(read|write)$/.test(c[2]))
      .map(
        (c) =>
          [
            // `Dependabot secrets (repository)` → `dependabot_secrets`, GitHub's permission key.
            c[1]
              .replace(/\s*\(.*\)$/, "")
              .toLowerCase()
              .replace(/ /g, "_"),
            c[2],
            c[3],
          ] as const,
      );

  it("components/github/README.md lists exactly what each stack's resources need", () => {
    const table = rows("components/github/README.md", 4);
    const forStack = (stack: string) =>
      Object.fromEntries(table.filter((r) => r[2] === stack || r[2] === "all").map((r) => [r[0], r[1]]));
    expect(forStack("shared")).toEqual(requiredAppPermissions(shared.resources.map((r) => r.type)));
    // Environment stacks also look teams up (getTeam: Members read), which no resource type shows.
    expect(forStack("environment")).toEqual({
      ...requiredAppPermissions(production.resources.map((r) => r.type)),
      members: "read",
    });
  });

  it("the top-level README lists every stack's permissions at the highest level any needs", () => {
    const table = Object.fromEntries(rows("README.md", 3).map((r) => [r[0], r[1]]));
    expect(table).toEqual(
      requiredAppPermissions([...shared.resources, ...production.resources].map((r) => r.type)),
    );
  });
});

describe("components planned on their own", () => {
  it("skips secrets and variables that are not configured, resolves team reviewers", async () => {
    const team = rawTeam();
    team.environments[2].requiredReviewers = ["acme-shop/release-leads", "alice-lead"];
    const [plan] = await planStacks({
      stacks: ["production"],
      team,
      program: async () => {
        const { parseTeamSpec } = await import("../components/team");
        const spec = parseTeamSpec(team);
        const provider = new github.Provider("github", { owner: "acme-shop" });
        new DeploymentEnvironment(
          "checkout-production",
          {
            deployment: deploymentOf(releasePolicy(spec), "production"),
            repositories: [{ name: "cart-api" }],
            variables: { "cart-api": { PUBLIC_URL: "https://shop.example", DEPLOY_ROLE_ARN: undefined } },
            secrets: { SLACK_WEBHOOK_URL: undefined },
          },
          { provider },
        );
        return {};
      },
    });
    expect(ofType(plan, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret")).toEqual([]);
    const vars = ofType(plan, "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable");
    expect(vars.map((v) => [v.name, v.inputs.variableName, v.inputs.value])).toEqual([
      ["checkout-production-cart-api-var-public-url", "PUBLIC_URL", "https://shop.example"],
    ]);
    const reviewers = byName(plan, "checkout-production-cart-api-env").inputs.reviewers as Array<{
      users: number[];
      teams: number[];
    }>;
    expect([reviewers[0].users.length, reviewers[0].teams.length]).toEqual([1, 1]);
    for (const r of githubResources(plan)) expect(r.provider).toMatch(GITHUB_PROVIDER);
  });
});

describe("the staging-branch model", () => {
  it("creates the staging branch from main, keeps it on destroy, and protects both branches", async () => {
    const team = { ...rawTeam(), branchModel: "staging-branch" };
    team.environments = team.environments.filter((e) => e.role !== "integration");
    const [plan] = await planStacks({ stacks: ["shared"], team });
    const branch = byName(plan, "checkout-cart-api-branch-staging");
    expect(branch.inputs).toMatchObject({ repository: "cart-api", branch: "staging", sourceBranch: "main" });
    expect(branch.retainOnDelete).toBe(true);
    expect(branch.ignoreChanges).toEqual(["repository"]);
    expect(byName(plan, "checkout-cart-api-codeowners-staging").inputs.branch).toBe("staging");
    expect(byName(plan, "checkout-cart-api-ruleset-branch-staging").dependsOn).toContain(branch.urn);
    // The pipeline's files land on both branches, each written to the branch resource's output
    // (so after the branch exists), and every ruleset waits for all of them.
    const files = ofType(plan, "github:index/repositoryFile:RepositoryFile").filter(
      (r) => r.inputs.repository === "cart-api",
    );
    const onBranch = (b: string) =>
      files
        .filter((f) => f.inputs.branch === b)
        .map((f) => f.inputs.file)
        .sort();
    expect(onBranch("staging")).toEqual(onBranch("main"));
    expect(onBranch("staging")).toContain(".github/CODEOWNERS");
    expect(
      onBranch("staging").filter((f) => String(f).startsWith(".github/workflows/")).length,
    ).toBeGreaterThan(0);
    for (const f of files) {
      expect(String(f.inputs.commitMessage)).toContain("[skip ci]");
      // No author: with a GitHub App the commit is GitHub's verified one.
      expect(f.inputs.commitAuthor).toBeUndefined();
      expect(f.inputs.commitEmail).toBeUndefined();
    }
    for (const ruleset of ofType(plan, "github:index/repositoryRuleset:RepositoryRuleset").filter(
      (r) => r.inputs.repository === "cart-api",
    )) {
      for (const f of files) expect(ruleset.dependsOn).toContain(f.urn);
    }
    expect(byName(plan, "checkout-cart-api-repo").inputs).toMatchObject({
      allowSquashMerge: true,
      allowMergeCommit: true,
    });
  });
});

describe("renaming a service", () => {
  it("updates the repository in place: the new URN carries the old one as an alias", async () => {
    const renamed = rawTeam();
    renamed.services[0] = { ...renamed.services[0], name: "basket-api", formerNames: ["cart-api"] };
    const [after, afterProduction] = await planStacks({ stacks: ["shared", "production"], team: renamed });

    const before = byName(shared, "checkout-cart-api-repo");
    const repo = byName(after, "checkout-basket-api-repo");
    expect(repo.urn).not.toBe(before.urn);
    expect(repo.aliases).toContain(before.urn);
    expect(repo.inputs.name).toBe("basket-api");
    expect(before.inputs.name).toBe("cart-api");
    expect(repo.protect).toBe(true);
    const ours = (r: PlannedResource) =>
      r.type.startsWith("github:") || r.type.startsWith("delivery:github:");
    expect(after.resources.filter(ours).some((r) => r.name.includes("cart-api"))).toBe(false);

    // Every GitHub resource of the old service is claimed by an alias: nothing would be deleted.
    const aliased = new Set(after.resources.flatMap((r) => [r.urn, ...r.aliases]));
    for (const old of shared.resources.filter((r) => ours(r) && r.name.startsWith("checkout-cart-api"))) {
      expect([old.name, aliased.has(old.urn)]).toEqual([old.name, true]);
    }
    for (const old of production.resources.filter(
      (r) => ours(r) && r.name.startsWith("checkout-production-cart-api"),
    )) {
      const claimed = afterProduction.resources.some((r) => r.urn === old.urn || r.aliases.includes(old.urn));
      expect([old.name, claimed]).toEqual([old.name, true]);
    }
  });
});
