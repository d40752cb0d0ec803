/**
 * Adopting retained resources: `pulumi destroy` retains the registries (shared stack) and the
 * release parameters (environment stacks); the stack setting `adopt` (true, or a list of service
 * names) makes a later `up` import them instead of failing with "already exists". Through the
 * pure settings resolver, then the real program on the mock engine: with the key exactly those
 * resources carry the `import` option, with the provider's ID (the name); without it, none. Then
 * against moto (a local AWS API, loopback, scripts/test-tools.sh): resources created from the
 * plan's inputs survive, creating them again fails as the issue says, and the calls the provider's
 * Read makes with the import ID find them with the inputs the program has.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveSettings, type StackSettings } from "../components/settings";
import { stackConfig } from "../plan/config";
import { renderStack } from "../plan/text";
import { planStacks, type PlannedResource, type StackPlan } from "./harness";
import { freePort } from "./server-harness";

const ROOT = path.join(__dirname, "..");
const NS = "delivery-workflow";

function settings(stack: string, adopt: string | undefined, team?: unknown) {
  const { project, config, secretKeys } = stackConfig(ROOT, stack, {
    team,
    config: adopt === undefined ? {} : { [stack]: { adopt } },
  });
  return resolveSettings({ project, stack, config, secureKeys: secretKeys });
}

function adoptOf(stack: string, adopt: string | undefined, team?: unknown): readonly string[] {
  const r = settings(stack, adopt, team);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return (r.settings as StackSettings).adopt;
}

function issuesOf(stack: string, adopt: string): string[] {
  const r = settings(stack, adopt);
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("the adopt setting (components/settings)", () => {
  it("is off unless set: nothing is adopted", () => {
    expect(adoptOf("shared", undefined)).toEqual([]);
    expect(adoptOf("staging", "false")).toEqual([]);
  });

  it("true adopts every service's retained resources; a list only those named", () => {
    expect(adoptOf("shared", "true")).toEqual(["cart-api", "payments-worker"]);
    expect(adoptOf("staging", JSON.stringify(["payments-worker"]))).toEqual(["payments-worker"]);
  });

  it("a renamed service is named by its current or a former name and adopts what carries its first name", () => {
    const team = JSON.parse(stackConfig(ROOT, "shared").config[`${NS}:team`]);
    team.services[0] = { ...team.services[0], name: "basket-api", formerNames: ["cart-api"] };
    expect(adoptOf("shared", JSON.stringify(["basket-api"]), team)).toEqual(["cart-api"]);
    expect(adoptOf("shared", JSON.stringify(["cart-api", "basket-api"]), team)).toEqual(["cart-api"]);
  });

  it("reads what a stack file holds: a YAML true or a YAML list", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-"));
    try {
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      const stackFile = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
      const read = (line: string) => {
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), `${stackFile}  ${line}\n`);
        const { project, config, secretKeys } = stackConfig(dir, "staging");
        const r = resolveSettings({ project, stack: "staging", config, secureKeys: secretKeys });
        return r.ok ? r.settings.adopt : r.issues;
      };
      expect(read(`${NS}:adopt: true`)).toEqual(["cart-api", "payments-worker"]);
      expect(read(`${NS}:adopt: [payments-worker]`)).toEqual(["payments-worker"]);
      expect(read(`${NS}:adopt: false`)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses what is not a service, naming the key and every problem", () => {
    expect(issuesOf("staging", JSON.stringify(["cart-api", "cartapi", "web"]))).toEqual([
      `${NS}:adopt[1]: "cartapi" is not a service of the team (known: cart-api, payments-worker)`,
      `${NS}:adopt[2]: "web" is not a service of the team (known: cart-api, payments-worker)`,
    ]);
    expect(issuesOf("shared", "yes")).toEqual([
      `${NS}:adopt: "yes" must be true, false or a list of service names (known: cart-api, payments-worker)`,
    ]);
  });
});

describe("the program adopts with Pulumi's import option (mock engine)", () => {
  let adopted: StackPlan[];
  let plain: StackPlan[];
  beforeAll(async () => {
    adopted = await planStacks({
      stacks: ["shared", "staging"],
      config: { shared: { adopt: "true" }, staging: { adopt: JSON.stringify(["cart-api"]) } },
    });
    plain = await planStacks({ stacks: ["shared", "staging"] });
  }, 120_000);

  const imports = (plan: StackPlan) =>
    plan.resources
      .filter((r) => r.import !== undefined)
      .map((r) => ({ type: r.type, name: r.inputs.name, import: r.import }));

  it("shared: exactly the ECR repositories, each imported by its name", () => {
    expect(imports(adopted[0])).toEqual([
      { type: "aws:ecr/repository:Repository", name: "checkout/cart-api", import: "checkout/cart-api" },
      {
        type: "aws:ecr/repository:Repository",
        name: "checkout/payments-worker",
        import: "checkout/payments-worker",
      },
    ]);
  });

  it("staging: exactly the named service's release parameter, by its name, its value left as it is", () => {
    const parameter = "/delivery/checkout/staging/cart-api/release";
    expect(imports(adopted[1])).toEqual([
      { type: "aws:ssm/parameter:Parameter", name: parameter, import: parameter },
    ]);
    // The import must not write "nothing released" over the release the environment runs.
    const imported = adopted[1].resources.find((r) => r.import === parameter)!;
    expect(imported.ignoreChanges).toEqual(expect.arrayContaining(["value", "insecureValue"]));
    expect(imported.retainOnDelete).toBe(true);
  });

  it("without the setting no resource carries import, and the JSON has no import field", () => {
    for (const plan of plain) {
      expect(imports(plan)).toEqual([]);
      expect(JSON.stringify(plan)).not.toContain('"import"');
    }
  });

  it("the plan's text shows the import beside protect and retain", () => {
    expect(renderStack(adopted[0])).toMatch(
      /Repository +checkout-cart-api-repository .*\[protect,retain,import=checkout\/cart-api\]/,
    );
    expect(renderStack(adopted[1])).toContain("[retain,import=/delivery/checkout/staging/cart-api/release]");
    expect(renderStack(plain[0])).not.toContain("import=");
  });

  it("adopting changes nothing else: same resources, inputs and other options", () => {
    for (const [i, plan] of adopted.entries()) {
      const strip = (p: StackPlan) => p.resources.map(({ import: _ignored, ...rest }) => rest);
      expect(strip(plan)).toEqual(strip(plain[i]));
    }
  });
});

/** moto and the AWS CLI in their virtualenv (scripts/test-tools.sh). */
const MOTO_VENV = process.env.MOTO_VENV ?? "/usr/local/lib/moto-5.2.5";

describe("the import IDs are what the AWS API looks up (moto server on loopback)", () => {
  let moto: ChildProcess | undefined;
  let endpoint = "";
  let repository: PlannedResource;
  let parameter: PlannedResource;
  const running = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout/cart-api@sha256:" + "ab".repeat(32);

  const aws = (...args: string[]) =>
    spawnSync(path.join(MOTO_VENV, "bin", "aws"), ["--endpoint-url", endpoint, "--output", "json", ...args], {
      encoding: "utf8",
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_DEFAULT_REGION: "eu-west-1",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
    });
  const ok = (...args: string[]) => {
    const r = aws(...args);
    if (r.status !== 0) throw new Error(`aws ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout || "{}");
  };

  beforeAll(async () => {
    const plans = await planStacks({
      stacks: ["shared", "staging"],
      config: { shared: { adopt: "true" }, staging: { adopt: "true" } },
    });
    repository = plans[0].resources.find((r) => r.import === "checkout/cart-api")!;
    parameter = plans[1].resources.find((r) => r.import === "/delivery/checkout/staging/cart-api/release")!;
    expect(repository?.type).toBe("aws:ecr/repository:Repository");
    expect(parameter?.type).toBe("aws:ssm/parameter:Parameter");

    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn(path.join(MOTO_VENV, "bin", "moto_server"), ["-H", "127.0.0.1", "-p", String(port)], {
      stdio: "ignore",
    });
    let exited = "";
    moto.on("error", (e) => (exited = `moto_server: ${e.message} (run scripts/test-tools.sh)`));
    moto.on("exit", (code) => (exited = `moto_server exited (${code})`));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (exited) throw new Error(exited);
      if ((await fetch(`${endpoint}/moto-api/`).catch(() => undefined))?.ok) break;
      if (Date.now() > deadline) throw new Error("moto_server did not answer within 20 s");
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(() => {
    if (moto?.pid && moto.exitCode === null) process.kill(moto.pid, "SIGTERM");
  });

  it("created from the plan's inputs, written by CI, retained: a second create fails with 'already exists'", () => {
    const r = repository.inputs as Record<string, any>;
    // What the provider's Create sends (terraform-provider-aws ecr/repository.go, ssm/parameter.go).
    ok(
      "ecr",
      "create-repository",
      "--repository-name",
      r.name,
      "--image-tag-mutability",
      r.imageTagMutability,
      "--image-scanning-configuration",
      `scanOnPush=${r.imageScanningConfiguration.scanOnPush}`,
      "--encryption-configuration",
      `encryptionType=${r.encryptionConfigurations[0].encryptionType}`,
      "--tags",
      ...Object.entries(r.tags as Record<string, string>).map(([k, v]) => `Key=${k},Value=${v}`),
    );
    const p = parameter.inputs as Record<string, any>;
    ok(
      "ssm",
      "put-parameter",
      "--name",
      p.name,
      "--type",
      p.type,
      "--value",
      p.insecureValue,
      "--description",
      p.description,
    );
    // CI deployed since: the parameter names the running release.
    ok("ssm", "put-parameter", "--name", p.name, "--type", p.type, "--value", running, "--overwrite");

    // `pulumi destroy` retained both; an `up` that creates them again is refused.
    const again = aws("ecr", "create-repository", "--repository-name", r.name);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain("RepositoryAlreadyExistsException");
    const putAgain = aws(
      "ssm",
      "put-parameter",
      "--name",
      p.name,
      "--type",
      p.type,
      "--value",
      p.insecureValue,
    );
    expect(putAgain.status).not.toBe(0);
    expect(putAgain.stderr).toContain("ParameterAlreadyExists");
  });

  it("the import IDs find them, with the inputs the program has, and the parameter still names the running release", () => {
    const r = repository.inputs as Record<string, any>;
    // The provider's Read of an imported repository: DescribeRepositories --repository-names <id>.
    const [found] = ok("ecr", "describe-repositories", "--repository-names", repository.import!).repositories;
    expect(found.repositoryName).toBe(r.name);
    expect(found.imageTagMutability).toBe(r.imageTagMutability);
    expect(found.imageScanningConfiguration).toEqual(r.imageScanningConfiguration);
    expect(found.encryptionConfiguration.encryptionType).toBe(r.encryptionConfigurations[0].encryptionType);
    const tags = ok("ecr", "list-tags-for-resource", "--resource-arn", found.repositoryArn).tags;
    expect(Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))).toEqual(
      r.tags,
    );

    // Of an imported parameter: GetParameter --name <id>, then DescribeParameters by name.
    const p = parameter.inputs as Record<string, any>;
    const got = ok("ssm", "get-parameter", "--name", parameter.import!).Parameter;
    expect(got.Name).toBe(p.name);
    expect(got.Type).toBe(p.type);
    // The import keeps it: `value` is ignored, and the provider reads the value into `value`.
    expect(got.Value).toBe(running);
    expect(parameter.ignoreChanges).toEqual(expect.arrayContaining(["value", "insecureValue"]));
    const [meta] = ok(
      "ssm",
      "describe-parameters",
      "--parameter-filters",
      `Key=Name,Option=Equals,Values=${parameter.import}`,
    ).Parameters;
    expect(meta.Description).toBe(p.description);
  });

  it("the Pulumi resource name is not an ID the API knows: the import ID must be the AWS name", () => {
    const wrong = aws("ecr", "describe-repositories", "--repository-names", repository.name);
    expect(wrong.stderr).toContain("RepositoryNotFoundException");
    const wrongParameter = aws("ssm", "get-parameter", "--name", parameter.name);
    expect(wrongParameter.stderr).toContain("ParameterNotFound");
  });
});
