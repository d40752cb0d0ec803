/**
 * The real policy pack, as `pulumi preview --policy-pack policy` runs it: the SDK's own
 * run-policy-pack script loads policy/ (package.json main → pack.ts, compiled by ts-node with
 * type checking) and serves the analyzer gRPC protocol; the test talks to it as the engine does.
 * No Pulumi CLI needed.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { RULES } from "../policy/index";

const ROOT = path.join(__dirname, "..");
const PULUMI = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
const need = (id: string) => require(require.resolve(id, { paths: [PULUMI] }));

const grpc = need("@grpc/grpc-js");
const pb = require(path.join(PULUMI, "proto/analyzer_pb.js"));
const rpc = require(path.join(PULUMI, "proto/analyzer_grpc_pb.js"));
const { Struct } = need("google-protobuf/google/protobuf/struct_pb");
const { Empty } = need("google-protobuf/google/protobuf/empty_pb");

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const urn = (stack: string, type: string, name: string) =>
  `urn:pulumi:${stack}::delivery-workflow::${type}::${name}`;

let child: ChildProcess;
let client: any;

beforeAll(async () => {
  child = spawn(process.execPath, [path.join(PULUMI, "cmd/run-policy-pack"), "127.0.0.1:1", "."], {
    cwd: path.join(ROOT, "policy"),
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving: ${stderr}`)));
  });
  client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  if (child && child.exitCode === null) child.kill();
});

const call = <T>(method: string, req: unknown): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
  );

function options(protect: boolean) {
  const o = new pb.AnalyzerResourceOptions();
  o.setProtect(protect);
  return o;
}

describe("the policy pack under the real policy runner", () => {
  it("registers every rule with its enforcement level", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("delivery-workflow-guardrails");
    const got = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
    const want = RULES.map((r) => [
      r.id,
      r.level === "mandatory" ? pb.EnforcementLevel.MANDATORY : pb.EnforcementLevel.ADVISORY,
    ]);
    expect(got).toEqual(want);
  });

  it("judges a resource with the same rules, skipping values not known yet", async () => {
    const req = new pb.AnalyzeRequest();
    req.setType("aws:ecr/repository:Repository");
    req.setUrn(urn("shared", "aws:ecr/repository:Repository", "r"));
    req.setName("r");
    req.setProperties(
      Struct.fromJavaScript({
        imageTagMutability: "MUTABLE",
        imageScanningConfiguration: { scanOnPush: UNKNOWN_STRING },
      }),
    );
    req.setOptions(options(false));
    const res: any = await call("analyze", req);
    const found = res
      .getDiagnosticsList()
      .map((d: any) => [d.getPolicyname(), d.getMessage().split("\n").pop()]);
    expect(found).toEqual([
      ["ecr-immutable-tags", 'imageTagMutability is "MUTABLE"; set "IMMUTABLE"'],
      [
        "ecr-kms-encryption",
        "encryptionConfigurations[0].encryptionType is unset (AES256); set team.registry.kmsKeyArn to encrypt images with a KMS key",
      ],
    ]);
  });

  it("judges the stack with the team spec it reads from the project files", async () => {
    const resource = (type: string, name: string, props: object, protect = false) => {
      const r = new pb.AnalyzerResource();
      r.setType(type);
      r.setUrn(urn("production", type, name));
      r.setName(name);
      r.setProperties(Struct.fromJavaScript(props));
      r.setOptions(options(protect));
      return r;
    };
    const req = new pb.AnalyzeStackRequest();
    req.setResourcesList([
      resource("pulumi:pulumi:Stack", "delivery-workflow-production", {}),
      resource("github:index/repositoryEnvironment:RepositoryEnvironment", "env", {
        repository: "cart-api",
        environment: "production",
        reviewers: [],
      }),
    ]);
    const res: any = await call("analyzeStack", req);
    const found = res
      .getDiagnosticsList()
      .map((d: any) => [d.getPolicyname(), d.getMessage().split("\n").pop()]);
    // Pulumi.production.yaml and Pulumi.yaml say: environment stack "production", two services.
    expect(found).toEqual(
      expect.arrayContaining([
        ["environment-coverage", 'repository "payments-worker" has no GitHub environment "production"'],
        ["environment-coverage", 'no IAM role trusts GitHub environment "production" (deploy role missing)'],
      ]),
    );
  });
});
