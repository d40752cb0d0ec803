/**
 * What reaches a server, checked by real validators: the user-data passes Debian's `cloud-init
 * schema` and is the same whatever the team (measured on the 60-service examples/large.yaml
 * through the offline plan); the agent's SSM documents fit SSM's 64 KB and every script a server
 * runs, generated documents included, passes shellcheck.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { buildReleaseName } from "../components/release";
import {
  bootDocument,
  cloudConfig,
  deployDocument,
  documentContent,
  documentFits,
  documentScript,
  kamalProxyUnit,
  SSM_DOCUMENT_MAX_BYTES,
  USER_DATA_MAX_BYTES,
  userData,
  type AgentSiteSettings,
} from "../components/aws";
import { byType, find, planStacks, type StackPlan } from "./harness";
import { REPO_ROOT } from "./fixtures";

let tmp = "";
let large: StackPlan;
let reference: StackPlan;
const largeSpec = parse(fs.readFileSync(path.join(__dirname, "..", "examples", "large.yaml"), "utf8"));

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "user-data-"));
  [reference] = await planStacks({ stacks: ["staging"] });
  [large] = await planStacks({ stacks: ["staging"], team: largeSpec });
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function schema(text: string): { status: number | null; output: string } {
  const file = path.join(tmp, `user-data-${Math.random().toString(16).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  const r = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
  if (r.error)
    throw new Error(`cloud-init is not installed (apt-get install cloud-init): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function shellcheck(text: string, shell = "bash"): string {
  const file = path.join(tmp, `script-${Math.random().toString(16).slice(2)}.sh`);
  fs.writeFileSync(file, text);
  const r = spawnSync("shellcheck", ["--shell", shell, file], { encoding: "utf8" });
  if (r.error) throw new Error(`shellcheck is not installed: ${r.error.message}`);
  return `${r.stdout}${r.stderr}`;
}

const instanceUserData = (plan: StackPlan) =>
  String(byType(plan, "aws:ec2/instance:Instance")[0].inputs.userData);

describe("user-data", () => {
  it("passes cloud-init schema", () => {
    const text = userData();
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const r = schema(text);
    expect(r.output).toContain("Valid");
    expect(r.status).toBe(0);
  });

  it("the schema check can fail (wrong types are caught)", () => {
    const r = schema(
      `#cloud-config\n${JSON.stringify({ ...cloudConfig(), packages: "docker", runcmd: 3 })}\n`,
    );
    expect(r.status).not.toBe(0);
  });

  it("prepares the host only: Docker with non-blocking logs, the ECR helper, swap, kamal-proxy", () => {
    const doc = parse(userData().slice("#cloud-config\n".length));
    expect(doc.packages).toEqual(["docker", "amazon-ecr-credential-helper", "golang"]);
    const files = Object.fromEntries(
      doc.write_files.map((f: { path: string; content: string }) => [f.path, f]),
    );
    expect(JSON.parse(files["/etc/docker/daemon.json"].content)["log-opts"].mode).toBe("non-blocking");
    expect(files["/etc/systemd/system/kamal-proxy.service"].content).toBe(kamalProxyUnit());
    expect(files["/usr/local/sbin/install-kamal-proxy"].permissions).toBe("0755");
    expect(doc.runcmd.at(-1)).toEqual(["systemctl", "enable", "--now", "kamal-proxy.service"]);
    // Nothing of the agent or of any service: those arrive through SSM.
    expect(userData()).not.toMatch(/deploy-agent|delivery-agent@|cart-api|RELEASE_PARAMETER/);
  });

  it("is the same for the reference team and a 60-service team, far below EC2's 16 KB", () => {
    expect(largeSpec.services).toHaveLength(60);
    expect(large.policy.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    const small = instanceUserData(reference);
    const big = instanceUserData(large);
    expect(big).toBe(small);
    const bytes = Buffer.byteLength(big);
    console.log(`user-data of a 60-service team: ${bytes} bytes (EC2 allows ${USER_DATA_MAX_BYTES})`);
    expect(bytes).toBeLessThan(USER_DATA_MAX_BYTES / 4);
  });

  it("installs kamal-proxy with a script that passes shellcheck", () => {
    const doc = parse(userData().slice("#cloud-config\n".length));
    const installer = doc.write_files.find(
      (f: { path: string }) => f.path === "/usr/local/sbin/install-kamal-proxy",
    );
    expect(shellcheck(installer.content)).toBe("");
  });
});

describe("the agent's SSM documents", () => {
  const documents = (plan: StackPlan) => byType(plan, "aws:ssm/document:Document");
  const content = (plan: StackPlan, name: string) =>
    JSON.parse(String(documents(plan).find((d) => d.inputs.name === name)!.inputs.content));

  it("one deploy document per service, named as the contract says, and one boot document", () => {
    expect(documents(large).map((d) => d.inputs.name)).toHaveLength(61);
    expect(documents(reference).map((d) => d.inputs.name)).toEqual([
      "checkout-staging-cart-api-deploy",
      "checkout-staging-payments-worker-deploy",
      "checkout-staging-boot",
    ]);
    for (const d of documents(reference)) {
      expect(d.inputs).toMatchObject({ documentType: "Command", documentFormat: "JSON" });
    }
  });

  it("fit SSM's 64 KB with a 60-service team", () => {
    const sizes = documents(large).map((d) => Buffer.byteLength(String(d.inputs.content)));
    const boot = Buffer.byteLength(String(documents(large).at(-1)!.inputs.content));
    console.log(
      `SSM documents of a 60-service team: boot ${boot} bytes, deploy at most ${Math.max(...sizes.slice(0, -1))} bytes (SSM allows ${SSM_DOCUMENT_MAX_BYTES})`,
    );
    for (const size of sizes) expect(size).toBeLessThan(SSM_DOCUMENT_MAX_BYTES - 1024);
  });

  it("knows a document SSM would refuse for its size (the preflight rule refuses the plan)", () => {
    const site: AgentSiteSettings = {
      site: "s",
      environment: "staging",
      releaseParameter: "/p",
      registry: "r",
    };
    const sites = Array.from({ length: 500 }, (_, i) => ({ ...site, site: `service-${i}` }));
    expect(documentFits(documentContent(bootDocument("staging", sites)))).toBe(false);
    expect(documentFits(documentContent(bootDocument("staging", sites.slice(0, 20))))).toBe(true);
  });

  it("boot previews' own server with no site: the agent installed, nothing deployed, shellcheck-clean", () => {
    expect(() => bootDocument("staging-previews", [])).toThrow(/at least one site/);
    const doc = bootDocument("staging-previews", [], {
      environment: "staging-previews",
      region: "eu-west-1",
      logGroup: "/delivery/checkout/staging-previews/server",
    });
    const text = documentScript(doc);
    expect(text).toContain("SITES=''");
    expect(text).toContain("LOG_GROUP=");
    expect(shellcheck(text, "sh")).toBe("");
  });

  it("admit only an image of the service's own repository, by digest, and a release name", () => {
    const doc = content(reference, "checkout-staging-cart-api-deploy");
    const image = new RegExp(doc.parameters.image.allowedPattern);
    const release = new RegExp(doc.parameters.release.allowedPattern);
    const repo = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";
    const digest = `sha256:${"a".repeat(64)}`;
    expect(image.test(`${repo}@${digest}`)).toBe(true);
    expect(image.test(`${repo}:v1.0.0`)).toBe(false);
    expect(image.test(`${repo.replace("cart-api", "payments-worker")}@${digest}`)).toBe(false);
    expect(image.test(`evil.example.com/checkout/cart-api@${digest}`)).toBe(false);
    expect(image.test(`${repo}@${digest}';reboot;'`)).toBe(false);
    for (const ok of ["v1.2.3", "v1.2.3-rc.4", `sha-${"0".repeat(40)}`]) expect(release.test(ok)).toBe(true);
    for (const bad of ["latest", "v1.2", "v1.2.3'", "sha-123"]) expect(release.test(bad)).toBe(false);
    // What CI sends (the deploy workflow's SENTRY_RELEASE): SSM refuses SendCommand otherwise.
    const commit = "0123456789abcdef0123456789abcdef01234567";
    expect(release.test(buildReleaseName("cart-api", commit))).toBe(true);
    expect(release.test(buildReleaseName("payments-worker", commit))).toBe(false);
    expect(release.test(buildReleaseName("cart-api", "0123456"))).toBe(false);
    // The agent on the server admits it too.
    const agent = fs.readFileSync(path.join(REPO_ROOT, "components/aws/deploy-agent.sh"), "utf8");
    const agentPattern = /^RELEASE_PATTERN='(.*)'$/m.exec(agent)![1];
    const agentAdmits = (name: string) =>
      spawnSync("bash", ["-c", '[[ "$1" =~ $2 ]]', "_", name, agentPattern]).status === 0;
    expect(agentAdmits(buildReleaseName("cart-api", commit))).toBe(true);
    expect(agentAdmits("cart-api@latest")).toBe(false);
  });

  it("carry scripts that pass shellcheck (sh, as aws:runShellScript runs them)", () => {
    for (const name of ["checkout-staging-cart-api-deploy", "checkout-staging-boot"]) {
      const script = content(reference, name).mainSteps[0].inputs.runCommand.join("\n");
      expect(shellcheck(script, "sh")).toBe("");
    }
    expect(shellcheck(documentScript(content(large, "marketplace-staging-boot")), "sh")).toBe("");
  });

  it("route public services by host with TLS when the environment has a domain, by path otherwise", () => {
    const withDomain = documentScript(content(large, "marketplace-staging-accounts-api-deploy"));
    expect(withDomain).toContain("PROXY_HOST=accounts-api.staging.marketplace.example.com\nPROXY_TLS=true");
    const withoutDomain = documentScript(content(reference, "checkout-staging-cart-api-deploy"));
    expect(withoutDomain).toContain("PROXY_PATH_PREFIX=/cart-api");
    const worker = documentScript(content(large, "marketplace-staging-catalog-worker-deploy"));
    expect(worker).not.toMatch(/^(CONTAINER_PORT|PROXY_HOST|PROXY_PATH_PREFIX)=/m);
  });

  it("the documents never embed a Go template or a configuration value", () => {
    for (const d of documents(large)) {
      const script = documentScript(JSON.parse(String(d.inputs.content)));
      expect(script.replace(/\{\{ (image|release) \}\}/g, "")).not.toContain("{{");
      expect(script).not.toContain("LOG_LEVEL");
    }
    expect(() =>
      deployDocument({
        site: "x",
        environment: "e",
        releaseParameter: "/p",
        registry: "r",
        configPath: "/p/{{ssm:secret}}",
      }),
    ).toThrow();
  });

  it("the boot association and the stable address: the address moves only after a healthy boot", async () => {
    const [production] = await planStacks({ stacks: ["production"] });
    const association = find(production, "aws:ssm/association:Association", "checkout-production-boot");
    expect(association.inputs.name).toBe("checkout-production-boot");
    expect(association.inputs.waitForSuccessTimeoutSeconds).toBe(1800);
    const eip = find(
      production,
      "aws:ec2/eipAssociation:EipAssociation",
      "checkout-production-eip-association",
    );
    expect(eip.dependsOn).toContain(association.urn);
    const instance = byType(production, "aws:ec2/instance:Instance")[0];
    expect(instance.ignoreChanges).toEqual([]);
    expect(instance.inputs.metadataOptions).toMatchObject({
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    expect(instance.inputs.rootBlockDevice).toMatchObject({
      encrypted: true,
      tags: { environment: "production" },
    });
  });
});

describe("shellcheck on the shipped scripts", () => {
  const dir = path.join(__dirname, "..", "components", "aws");
  const check = (file: string, shell: string) =>
    execFileSync("shellcheck", ["--shell", shell, path.join(dir, file)], { encoding: "utf8" });
  it.each([
    ["deploy-agent.sh", "bash"],
    ["install-kamal-proxy.sh", "bash"],
    ["agent-files.sh", "sh"],
    ["deploy-document.sh", "sh"],
    ["boot-document.sh", "sh"],
    ["bootstrap-image/start.sh", "sh"],
  ])("%s", (file, shell) => expect(check(file, shell)).toBe(""));
});
