/**
 * The preview document: its script passes shellcheck, its parameter patterns admit only the
 * service's own images by digest and pull request numbers, every parameter reaches the script as an
 * environment variable, it stays under SSM's 64 KB, and the component registers one
 * `aws:ssm/document:Document` under itself with that content.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_DOCUMENT_PARAMETERS } from "../components/release/contract";
import {
  PreviewDocument,
  previewDocumentContent,
  previewDocumentSettings,
  SSM_DOCUMENT_MAX_BYTES,
  type PreviewDocumentContentArgs,
} from "../components/aws/preview-document";
import { previewEnvFile, previewSettingsFile } from "../components/aws/preview-agent";
import { parseTeamSpec } from "../components/team";
import { referenceTeamRaw } from "./fixtures";

const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api";
const DIGEST = "a".repeat(64);

const args: PreviewDocumentContentArgs = {
  team: "checkout",
  environment: "integration",
  service: "cart-api",
  registryUrl: REGISTRY,
  containerPort: 8080,
  healthCheckPath: "/healthz",
  maxPerService: 5,
  ttlDays: 3,
  memoryMb: 256,
  publicBaseUrl: "http://203.0.113.10",
  seedCommand: "npm run seed -- --fixtures 'small set'",
  config: { LOG_LEVEL: "info", API_BASE: "http://integration.internal:8081" },
  region: "eu-west-1",
};

type Doc = {
  parameters: Record<
    string,
    { allowedPattern?: string; allowedValues?: string[]; interpolationType?: string }
  >;
  mainSteps: { action: string; inputs: { runCommand: string[]; timeoutSeconds: string } }[];
};

const doc = () => previewDocumentContent(args) as unknown as Doc;

function shellcheck(script: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-doc-"));
  const file = path.join(dir, "run.sh");
  fs.writeFileSync(file, script);
  const r = spawnSync("shellcheck", ["--shell=bash", file], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ""}` };
}

describe("preview document", () => {
  it("is one Linux shell step whose script and agent pass shellcheck", () => {
    const d = doc();
    expect(d.mainSteps).toHaveLength(1);
    expect(d.mainSteps[0].action).toBe("aws:runShellScript");
    const r = shellcheck(d.mainSteps[0].inputs.runCommand.join("\n") + "\n");
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
    const agent = shellcheck(fs.readFileSync("components/aws/preview-agent.sh", "utf8"));
    expect(agent.output).toBe("");
  });

  it("passes every parameter as an environment variable and checks its value", () => {
    const { parameters } = doc();
    expect(Object.keys(parameters).sort()).toEqual(Object.values(PREVIEW_DOCUMENT_PARAMETERS).sort());
    for (const p of Object.values(parameters)) expect(p.interpolationType).toBe("ENV_VAR");
    expect(parameters.action.allowedValues).toEqual(["deploy", "remove", "sweep"]);
    const image = new RegExp(parameters.image.allowedPattern!);
    expect(image.test(`${REGISTRY}@sha256:${DIGEST}`)).toBe(true);
    expect(image.test("")).toBe(true);
    for (const bad of [
      `${REGISTRY}:sha-abc`,
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/payments-worker@sha256:${DIGEST}`,
      `${REGISTRY}@sha256:${DIGEST}; curl evil`,
      `${REGISTRY.replace(/\./g, "x")}@sha256:${DIGEST}`,
      `evil.example/${REGISTRY}@sha256:${DIGEST}`,
    ])
      expect(image.test(bad)).toBe(false);
    const pr = new RegExp(parameters.pr.allowedPattern!);
    expect(["", "1", "4711"].every((v) => pr.test(v))).toBe(true);
    expect(["0", "-1", "1;id", "12 ", "$(id)"].some((v) => pr.test(v))).toBe(false);
    // The script reads values from SSM_<name>, never from text SSM substitutes into it, except the
    // fallback for old agents, which the patterns above make safe.
    const script = doc().mainSteps[0].inputs.runCommand.join("\n");
    expect(script.match(/\{\{[^}]*\}\}/g)).toEqual(["{{ action }}", "{{ pr }}", "{{ image }}"]);
  });

  it("carries the settings and the non-secret configuration, base64, and nothing else", () => {
    const script = doc().mainSteps[0].inputs.runCommand.join("\n");
    const blobs = [...script.matchAll(/echo '([A-Za-z0-9+/=]+)' \| base64 -d/g)].map((m) =>
      Buffer.from(m[1], "base64").toString("utf8"),
    );
    expect(blobs).toHaveLength(3);
    expect(blobs[0]).toBe(fs.readFileSync("components/aws/preview-agent.sh", "utf8"));
    expect(blobs[1]).toContain(`REGISTRY=${REGISTRY}\n`);
    expect(blobs[1]).toContain("MAX_PREVIEWS=5\n");
    expect(blobs[1]).toContain(`SEED_COMMAND_B64=${Buffer.from(args.seedCommand!).toString("base64")}\n`);
    expect(blobs[2]).toBe("API_BASE=http://integration.internal:8081\nLOG_LEVEL=info\n");
  });

  it("refuses what SSM or docker would not take", () => {
    expect(() =>
      previewDocumentContent({ ...args, seedCommand: "x".repeat(SSM_DOCUMENT_MAX_BYTES) }),
    ).toThrow(/over SSM's 65536-byte limit/);
    expect(() => previewEnvFile({ PREVIEW: "false" })).toThrow(/set by the preview agent/);
    expect(() => previewEnvFile({ "BAD-NAME": "x" })).toThrow(/not a variable name/);
    expect(() => previewEnvFile({ MULTI: "a\nb" })).toThrow(/one line/);
    expect(() => previewSettingsFile({ ...args, registry: "x; rm -rf /", maxPreviews: 1 } as never)).toThrow(
      /unsafe value/,
    );
  });
});

describe("previewDocumentSettings", () => {
  it("takes the spec's decisions for a service", () => {
    const raw = referenceTeamRaw();
    raw.previews = { ttlDays: 2, maxPerService: 3, domain: "previews.acme.dev" };
    (raw.services as Record<string, unknown>[])[0].seedCommand = "npm run seed";
    const spec = parseTeamSpec(raw);
    expect(previewDocumentSettings(spec, spec.services[0])).toEqual({
      environment: "integration",
      containerPort: 8080,
      healthCheckPath: "/healthz",
      maxPerService: 3,
      ttlDays: 2,
      memoryMb: 256,
      domain: "previews.acme.dev",
      seedCommand: "npm run seed",
    });
    raw.previews = { enabled: false };
    const off = parseTeamSpec(raw);
    expect(previewDocumentSettings(off, off.services[0])).toBeUndefined();
  });
});

describe("PreviewDocument component", () => {
  const registered: { type: string; name: string; inputs: Record<string, unknown>; parent?: string }[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          registered.push({ type: a.type, name: a.name, inputs: a.inputs });
          return {
            id: `${a.name}-id`,
            state: { ...a.inputs, arn: `arn:aws:ssm:eu-west-1:123456789012:document/${a.inputs.name}` },
          };
        },
        call: (a) => a.inputs,
      },
      "delivery-workflow",
      "integration",
      false,
    );
  });

  it("registers the document under itself, named as given, with the rendered content", async () => {
    const component = new PreviewDocument("checkout-integration-cart-api-preview", {
      team: "checkout",
      environment: "integration",
      service: "cart-api",
      registryUrl: pulumi.output(REGISTRY),
      containerPort: 8080,
      healthCheckPath: "/healthz",
      publicBaseUrl: pulumi.output("http://203.0.113.10"),
    });
    const name = await new Promise((resolve) => component.name.apply(resolve));
    expect(name).toBe("checkout-integration-cart-api-preview");
    const urn = await new Promise<string>((resolve) => component.urn.apply(resolve));
    expect(urn).toContain("delivery:aws:PreviewDocument");
    const childUrn = await new Promise<string>((resolve) => component.document.urn.apply(resolve));
    expect(childUrn).toContain("delivery:aws:PreviewDocument$aws:ssm/document:Document");
    const document = registered.find((r) => r.type === "aws:ssm/document:Document")!;
    expect(document.name).toBe("checkout-integration-cart-api-preview-document");
    expect(document.inputs).toMatchObject({
      name: "checkout-integration-cart-api-preview",
      documentType: "Command",
      documentFormat: "JSON",
      targetType: "/AWS::EC2::Instance",
    });
    const content = JSON.parse(String(document.inputs.content)) as Doc;
    expect(content.parameters.image.allowedPattern).toContain("checkout/cart-api@sha256:");
  });
});
