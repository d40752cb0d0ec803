/**
 * User-data and the deploy agent's static checks: the generated `#cloud-config` passes Debian's
 * `cloud-init schema`, and every shell script the server gets passes shellcheck.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
  agentSettingsFile,
  BOOTSTRAP_CONTEXT,
  cloudConfig,
  releaseParameterName,
  sparePorts,
  userData,
  type UserDataArgs,
} from "../components/aws";
import { DEPLOY_AGENT_PATH } from "../components/release";
import { parseTeamSpec } from "../components/team";
import { referenceTeam } from "./aws-fixtures";

const spec = parseTeamSpec(referenceTeam());
const args: UserDataArgs = {
  region: spec.aws.region,
  logGroup: "/delivery/checkout/staging/server",
  services: spec.services.map((s) => ({
    name: s.name,
    port: s.port,
    healthCheckPath: s.healthCheckPath,
    releaseParameter: releaseParameterName(spec.name, "staging", s.name),
  })),
};

let tmp = "";
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "user-data-"))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function schema(text: string): { status: number | null; output: string } {
  const file = path.join(tmp, `user-data-${Math.random().toString(16).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
  if (r.error)
    throw new Error(`cloud-init is not installed (apt-get install cloud-init): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("user-data", () => {
  it("passes cloud-init schema", () => {
    const text = userData(args);
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const r = schema(text);
    expect(r.output).toContain("Valid");
    expect(r.status).toBe(0);
  });

  it("the schema check can fail (wrong types are caught)", () => {
    const r = schema(
      `#cloud-config\n${JSON.stringify({ ...cloudConfig(args), packages: "docker", runcmd: 3 })}\n`,
    );
    expect(r.status).not.toBe(0);
  });

  it("installs Docker and the ECR helper, writes agent, settings and units, starts every service", () => {
    const doc = parse(userData(args).slice("#cloud-config\n".length));
    expect(doc.packages).toEqual(["docker", "amazon-ecr-credential-helper"]);
    const paths = doc.write_files.map((f: { path: string }) => f.path);
    expect(paths).toContain(DEPLOY_AGENT_PATH);
    for (const s of spec.services) {
      expect(paths).toContain(`/etc/delivery-agent/${s.name}.env`);
      expect(paths).toContain(`/etc/systemd/system/delivery-${s.name}.service`);
      expect(doc.runcmd).toContainEqual(["systemctl", "enable", "--now", `delivery-${s.name}.service`]);
    }
    const agent = doc.write_files.find((f: { path: string }) => f.path === DEPLOY_AGENT_PATH);
    expect(agent.permissions).toBe("0755");
    expect(doc.runcmd.findIndex((c: string[]) => c.includes("docker.service"))).toBeLessThan(
      doc.runcmd.findIndex((c: string[]) => c.some((x) => x.startsWith("delivery-"))),
    );
    const settings = doc.write_files.find(
      (f: { path: string }) => f.path === "/etc/delivery-agent/cart-api.env",
    );
    expect(settings.content).toContain("RELEASE_PARAMETER=/delivery/checkout/staging/cart-api/release");
    expect(settings.content).toContain("HEALTH_PATH=/healthz");
  });

  it("fits EC2's 16 KiB user-data limit for the reference team", () => {
    expect(Buffer.byteLength(userData(args))).toBeLessThan(16 * 1024);
  });
});

describe("deploy agent settings", () => {
  it("refuses values that would need quoting", () => {
    expect(() =>
      agentSettingsFile({
        service: "x",
        releaseParameter: "/p$(reboot)",
        containerPort: 1,
        sparePort: 2,
        healthCheckPath: "/",
      }),
    ).toThrow(/unsafe value/);
  });
  it("spare ports never collide with service ports or each other", () => {
    const publicPorts = [20000, 20001, 8080, 20003];
    const spare = sparePorts(publicPorts);
    expect(new Set([...spare, ...publicPorts]).size).toBe(spare.length + publicPorts.length);
  });
});

describe("shellcheck", () => {
  const check = (file: string, shell?: string) =>
    execFileSync("shellcheck", [...(shell ? ["--shell", shell] : []), file], { encoding: "utf8" });

  it("passes on the deploy agent as installed by user-data", () => {
    const doc = parse(userData(args).slice("#cloud-config\n".length));
    const file = path.join(tmp, "deploy-agent");
    fs.writeFileSync(
      file,
      doc.write_files.find((f: { path: string }) => f.path === DEPLOY_AGENT_PATH).content,
    );
    expect(check(file)).toBe("");
  });
  it("passes on the bootstrap image's start script", () => {
    expect(check(path.join(BOOTSTRAP_CONTEXT, "start.sh"), "sh")).toBe("");
  });
});
