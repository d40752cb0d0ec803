/**
 * The server runtime's spec keys and stack settings: services[i].public and .env,
 * environments[i].domain, vpcId and subnetIds, stack config serviceSecrets and serverAmi. Errors
 * name their key; configuration becomes per-service SSM parameters, secrets only as `[secret]`.
 */
import { validateTeamSpec } from "../components/team";
import { referenceTeamRaw } from "./fixtures";
import { byType, planStacks } from "./harness";

function issues(edit: (raw: any) => void): string[] {
  const raw = referenceTeamRaw() as any;
  edit(raw);
  const r = validateTeamSpec(raw);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("spec keys of the server runtime", () => {
  it("accepts a worker, configuration per environment, a domain and a network", () => {
    expect(
      issues((raw) => {
        raw.services[1].public = false;
        raw.services[0].env = { staging: { LOG_LEVEL: "debug", GREETING: "hello world" } };
        raw.environments[1].domain = "staging.example.com";
        raw.environments[1].vpcId = "vpc-0123456789abcdef0";
        raw.environments[1].subnetIds = ["subnet-0123456789abcdef0"];
      }),
    ).toEqual([]);
  });

  it("names every bad key", () => {
    const found = issues((raw) => {
      raw.services[0].env = {
        staging: { "BAD-KEY": "x", SENTRY_RELEASE: "v1", MULTI: "a\nb" },
        qa: { X: "1" },
      };
      raw.environments[1].domain = "Not A Domain";
      raw.environments[1].vpcId = "vpc-1";
      raw.environments[1].subnetIds = ["subnet-zz"];
    });
    for (const key of [
      "team.services[0].env.staging.BAD-KEY",
      "team.services[0].env.staging.SENTRY_RELEASE",
      "team.services[0].env.staging.MULTI",
      "team.services[0].env.qa",
      "team.environments[1].domain",
      "team.environments[1].vpcId",
      "team.environments[1].subnetIds[0]",
    ])
      expect(found.some((i) => i.startsWith(`${key}:`))).toBe(true);
  });
});

describe("configuration and secrets in the plan", () => {
  it("become String and SecureString parameters per service; secrets stay [secret]", async () => {
    const raw = referenceTeamRaw() as any;
    raw.services[0].env = { staging: { LOG_LEVEL: "debug" } };
    const [staging] = await planStacks({
      stacks: ["staging"],
      team: raw,
      secrets: { serviceSecrets: JSON.stringify({ "cart-api": { DATABASE_PASSWORD: "hunter2-not-shown" } }) },
    });
    const params = byType(staging, "aws:ssm/parameter:Parameter").filter((p) =>
      String(p.inputs.name).includes("/config/"),
    );
    expect(params.map((p) => [p.inputs.name, p.inputs.type])).toEqual([
      ["/delivery/checkout/staging/cart-api/config/LOG_LEVEL", "String"],
      ["/delivery/checkout/staging/cart-api/config/DATABASE_PASSWORD", "SecureString"],
    ]);
    expect(params[1].inputs.value).toBe("[secret]");
    expect(JSON.stringify(staging)).not.toContain("hunter2-not-shown");
  });

  it("a secret for an unknown service or a bad key is named, its value never shown", async () => {
    await expect(
      planStacks({
        stacks: ["staging"],
        secrets: {
          serviceSecrets: JSON.stringify({ "no-such": { X: "v" }, "cart-api": { "bad key": "hunter2" } }),
        },
      }),
    ).rejects.toThrow(/serviceSecrets\.no-such[\s\S]*serviceSecrets\.cart-api\.bad key/);
    await expect(
      planStacks({
        stacks: ["staging"],
        secrets: { serviceSecrets: JSON.stringify({ "cart-api": { K: "a\nhunter2" } }) },
      }),
    ).rejects.toThrow(/^(?![\s\S]*hunter2)[\s\S]*serviceSecrets\.cart-api\.K/);
  });

  it("a pinned AMI is the server's AMI", async () => {
    const [staging] = await planStacks({
      stacks: ["staging"],
      config: { staging: { serverAmi: "ami-0123456789abcdef0" } },
    });
    expect(byType(staging, "aws:ec2/instance:Instance")[0].inputs.ami).toBe("ami-0123456789abcdef0");
  });
});
