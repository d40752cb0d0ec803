/**
 * Adopting retained resources: `pulumi destroy` retains the registries (shared stack) and the
 * release parameters (environment stacks); the stack setting `adopt` (true, or a list of service
 * names) makes a later `up` import them instead of failing with "already exists". Through the
 * pure settings resolver, then the real program on the mock engine: with the key exactly those
 * resources carry the `import` option, with the provider's ID (the name); without it, none. Against a
 * real AWS API implementation (moto): adopt-moto.e2e.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveSettings, type StackSettings } from "../components/settings";
import { stackConfig } from "../plan/config";
import { renderStack } from "../plan/text";
import { planStacks, type StackPlan } from "./harness";

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

  it("lists each adopted resource under assumptions (the plan cannot know it exists), and nothing without the setting", () => {
    const adoptedAssumptions = (p: StackPlan) =>
      p.assumptions.filter((a) => a.kind === "adopted-resource").map((a) => [a.name, a.source]);
    expect(adoptedAssumptions(adopted[0])).toEqual(
      expect.arrayContaining(adopted[0].resources.filter((r) => r.import).map((r) => [r.import, r.urn])),
    );
    expect(adoptedAssumptions(adopted[0]).length).toBe(imports(adopted[0]).length);
    expect(adoptedAssumptions(adopted[1])).toEqual([
      ["/delivery/checkout/staging/cart-api/release", expect.stringContaining("cart-api")],
    ]);
    for (const plan of plain) expect(adoptedAssumptions(plan)).toEqual([]);
  });

  it("adopting changes nothing else: same resources, inputs and other options", () => {
    for (const [i, plan] of adopted.entries()) {
      const strip = (p: StackPlan) => p.resources.map(({ import: _ignored, ...rest }) => rest);
      expect(strip(plan)).toEqual(strip(plain[i]));
    }
  });
});
