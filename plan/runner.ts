/**
 * The offline plan: runs the real program under `pulumi.runtime.setMocks` with the fake cloud
 * (plan/fake-cloud), stack after stack in one process, and records what would be registered in
 * the JSON contract of shared/DESIGN.md ("The offline plan").
 *
 * Mechanics (see DESIGN.md): config from Pulumi.yaml + Pulumi.<stack>.yaml through
 * `setAllConfig`; `secure:` values become secret placeholders; the program runs inside
 * `runInPulumiStack` so a stack transformation can capture the options mocks do not see.
 * Mocks run as a preview (`PREVIEW`): the fake cloud answers the outputs the program reads, so
 * `apply` callbacks run and documents built from ARNs show real-looking values; an output it does
 * not answer is unknown ("[unknown]"), as in `pulumi preview`.
 *
 * A failure (unknown token, missing explicit provider, program error) is never handed to the
 * SDK, which would turn it into unhandled rejections (fatal in Node and jest): the monitor
 * answers "failed, outputs unknown", the program runs to its end, and planStacks rejects with
 * the first failure.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { fakeCall, fakeResource } from "./fake-cloud";
import { computeCost, type CostReport } from "./cost";
// policy/ has its own package.json (main: the pack): name index explicitly.
import { checkResources, type Violation } from "../policy/index";
import { deploymentSummary } from "./summary";
import type { SpecIssue } from "../components/team";

/** Options of {@link planStacks}. */
export interface PlanOptions {
  /** Stacks to plan, e.g. ["shared", "staging"]. A referenced stack is planned first when needed. */
  readonly stacks: readonly string[];
  /** Project directory holding Pulumi.yaml and Pulumi.<stack>.yaml. @default the repository root */
  readonly dir?: string;
  /** Replaces the raw `delivery-workflow:team` value (tests of other specs). @default Pulumi.yaml's */
  readonly team?: unknown;
  /** Per-stack extra or overriding config, keyed "key" (project namespace) or "ns:key". */
  readonly config?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Values for `secure:` keys ("key" or "ns:key"); a key not in the stack file is added as secret. @default placeholders */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Program to plan instead of stacks/program.ts (tests of the runner itself). */
  readonly program?: () => unknown;
}

/** One resource as the plan records it (JSON contract). */
export interface PlannedResource {
  readonly urn: string;
  /** Pulumi's type token as the engine sees it. */
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** URN of the explicit provider, or null (components, the stack, providers). */
  readonly provider: string | null;
  readonly custom: boolean;
  /** Inputs as registered; secret values are "[secret]". */
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs of explicit `dependsOn` resources. */
  readonly dependsOn: string[];
  /** Aliases as URNs. */
  readonly aliases: string[];
  readonly ignoreChanges: string[];
}

/** A stack's plan (JSON contract). */
export interface StackPlan {
  readonly project: string;
  readonly stack: string;
  readonly resources: PlannedResource[];
  /** Stack outputs, secrets "[secret]". */
  readonly outputs: Record<string, unknown>;
  readonly policy: { readonly violations: Violation[] };
  readonly cost: CostReport;
}

/** A problem with how the plan was asked for (missing stack file, unreadable YAML): exit 1. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_TEXT = "[secret]";
const ORGANIZATION = "organization";
/**
 * Mocks run as a preview: an output the fake cloud does not answer is unknown (as in
 * `pulumi preview`), never a silent `undefined` an `apply` would trip over.
 */
const PREVIEW = true;
const STACK_REFERENCE = "pulumi:pulumi:StackReference";
/** A secret placeholder that passes the program's Slack webhook validation. */
const SLACK_PLACEHOLDER = "https://hooks.slack.com/services/T00000000/B00000000/offlineplaceholder";

/** The package root (holds Pulumi.yaml), whether running from sources or from dist/. */
const REPO_ROOT = ((): string => {
  for (let dir = path.resolve(__dirname, ".."); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..");
  }
})();

interface Program {
  (): unknown;
}

let defaultProgram: Program | undefined;
function loadProgram(): Program {
  // Loaded on first use so `plan --help` does not pay for the SDK and providers.

  defaultProgram ??= (require("../stacks/program") as { program: Program }).program;
  return defaultProgram;
}

// --- config ---------------------------------------------------------------------------------

interface ProjectFile {
  readonly name: string;
  readonly config: Record<string, string>;
}

function readYaml(file: string): any {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return YAML.parse(text) ?? {};
  } catch (err) {
    throw new PlanError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
}

const configText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const qualify = (project: string, key: string) => (key.includes(":") ? key : `${project}:${key}`);

function readProject(dir: string): ProjectFile {
  const file = path.join(dir, "Pulumi.yaml");
  const doc = readYaml(file);
  if (doc === undefined) throw new PlanError(`no Pulumi.yaml in ${dir}`);
  if (typeof doc.name !== "string") throw new PlanError(`${file}: has no project name`);
  const config: Record<string, string> = {};
  for (const [key, entry] of Object.entries<any>(doc.config ?? {})) {
    // Project-level config: `key: value`, or `key: { value | default, type, description }`.
    let value: unknown;
    if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
      value = "value" in entry ? entry.value : entry.default;
    } else {
      value = entry;
    }
    if (value !== undefined && value !== null) config[qualify(doc.name, key)] = configText(value);
  }
  return { name: doc.name, config };
}

/** The `project:key` config map and secret keys for one stack, as `pulumi` would hand them over. */
export function stackConfig(
  dir: string,
  stack: string,
  opts: Pick<PlanOptions, "team" | "config" | "secrets"> = {},
): { project: string; config: Record<string, string>; secretKeys: string[] } {
  const project = readProject(dir);
  const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
  const doc = readYaml(stackFile);
  if (doc === undefined) throw new PlanError(`no stack file Pulumi.${stack}.yaml in ${dir}`);
  const config = { ...project.config };
  const secretKeys = new Set<string>();
  const secrets = Object.fromEntries(
    Object.entries(opts.secrets ?? {}).map(([k, v]) => [qualify(project.name, k), v]),
  );
  for (const [rawKey, value] of Object.entries<any>(doc.config ?? {})) {
    const key = qualify(project.name, rawKey);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      secretKeys.add(key);
      config[key] = secrets[key] ?? placeholder(key);
    } else if (value !== undefined && value !== null) {
      config[key] = configText(value);
    }
  }
  for (const [key, value] of Object.entries(secrets)) {
    secretKeys.add(key);
    config[key] = value;
  }
  for (const [key, value] of Object.entries(opts.config?.[stack] ?? {}))
    config[qualify(project.name, key)] = value;
  if (opts.team !== undefined) config[`${project.name}:team`] = configText(opts.team);
  return { project: project.name, config, secretKeys: [...secretKeys].sort() };
}

function placeholder(key: string): string {
  const bare = key.slice(key.indexOf(":") + 1);
  return bare === "slackWebhookUrl" ? SLACK_PLACEHOLDER : `offline-placeholder-${bare}`;
}

/** Packages whose default provider `pulumi:disable-default-providers` turns off ("*": all). */
function disabledDefaultProviders(config: Record<string, string>): string[] {
  const raw = config["pulumi:disable-default-providers"];
  if (!raw) return [];
  try {
    const list = JSON.parse(raw);
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return raw.split(",").map((s) => s.trim());
  }
}

// --- values ---------------------------------------------------------------------------------

const isSecret = (v: unknown): v is { value: unknown } =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE;
const isResourceRef = (v: unknown): v is { urn: string } =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] === RESOURCE_SIG;

/** The plain value, secrets unwrapped: for the fake cloud and StackReference answers only. */
function unwrap(v: unknown): any {
  if (isSecret(v)) return unwrap(v.value);
  if (isResourceRef(v)) return v.urn;
  if (pulumi.Resource.isInstance(v)) return v;
  if (Array.isArray(v)) return v.map(unwrap);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = unwrap(x);
    return out;
  }
  return v;
}

const containsSecret = (v: unknown): boolean =>
  isSecret(v) ||
  (Array.isArray(v)
    ? v.some(containsSecret)
    : v !== null && typeof v === "object"
      ? Object.values(v).some(containsSecret)
      : false);

/** The value as the plan shows it: secrets "[secret]", unknowns "[unknown]", resources by URN. */
async function render(v: unknown): Promise<unknown> {
  if (v === UNKNOWN) return "[unknown]";
  if (v === null || typeof v !== "object") return v;
  if (isSecret(v)) return SECRET_TEXT;
  if (isResourceRef(v)) return v.urn;
  if (pulumi.Resource.isInstance(v)) return urnOf(v);
  if (Array.isArray(v)) return Promise.all(v.map(render));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await render(x);
  return out;
}

function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => {
    o.apply((v) => {
      resolve(v);
      return v;
    });
  });
}
const urnOf = (r: pulumi.Resource) => settle(r.urn);

async function resolveDependsOn(dependsOn: unknown): Promise<string[]> {
  let value: unknown = await dependsOn;
  if (pulumi.Output.isInstance(value)) value = await settle(value as pulumi.Output<unknown>);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const urns: string[] = [];
  for (let item of list) {
    item = await item;
    if (pulumi.Output.isInstance(item)) item = await settle(item as pulumi.Output<unknown>);
    if (pulumi.Resource.isInstance(item)) urns.push(await urnOf(item));
  }
  return urns;
}

/** The URN Pulumi builds: the parent's type chain, `$`-joined, then this type and name. */
function makeUrn(
  stack: string,
  project: string,
  parentUrn: string | undefined,
  type: string,
  name: string,
): string {
  let qualified = type;
  if (parentUrn) {
    const parentType = parentUrn.split("::")[2].split("$").pop();
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

async function resolveAliases(
  aliases: readonly unknown[] | undefined,
  self: { stack: string; project: string; type: string; name: string; parent: string | null },
): Promise<string[]> {
  const out: string[] = [];
  for (let alias of aliases ?? []) {
    alias = await alias;
    if (pulumi.Output.isInstance(alias)) alias = await settle(alias as pulumi.Output<unknown>);
    if (typeof alias === "string") {
      out.push(alias);
      continue;
    }
    const a = (alias ?? {}) as Record<string, unknown>;
    const field = async (k: string) => {
      let v: unknown = await a[k];
      if (pulumi.Output.isInstance(v)) v = await settle(v as pulumi.Output<unknown>);
      return v;
    };
    let parent: string | undefined = self.parent ?? undefined;
    const p = await field("parent");
    const parentUrn = await field("parentUrn");
    if ((await field("noParent")) === true) parent = undefined;
    else if (pulumi.Resource.isInstance(p)) parent = await urnOf(p);
    else if (typeof parentUrn === "string") parent = parentUrn;
    out.push(
      makeUrn(
        String((await field("stack")) ?? self.stack),
        String((await field("project")) ?? self.project),
        parent,
        String((await field("type")) ?? self.type),
        String((await field("name")) ?? self.name),
      ),
    );
  }
  return out;
}

// --- failures -------------------------------------------------------------------------------

/**
 * Messages of fake-cloud failures (unknown token, missing provider, a stack to plan first). The
 * SDK turns one such failure into rejected promises all over the program; the runner reports the
 * failure itself, so those echoes must not crash the process as unhandled rejections.
 */
const recentFailures: string[] = [];
let rejectionHandlerInstalled = false;

function installRejectionHandler(): void {
  if (rejectionHandlerInstalled) return;
  rejectionHandlerInstalled = true;
  process.on("unhandledRejection", (reason) => {
    const message = String((reason as Error | undefined)?.message ?? reason);
    if (recentFailures.some((f) => f !== "" && message.includes(f))) return;
    // Not ours: behave as Node does without a handler, unless someone else handles it.
    if (process.listenerCount("unhandledRejection") === 1) throw reason;
  });
}

// --- one stack ------------------------------------------------------------------------------

interface StackRun {
  readonly plan: StackPlan;
  /** Plain output values (secrets unwrapped), kept in memory only to answer StackReferences. */
  readonly rawOutputs: Record<string, unknown>;
  readonly secretOutputNames: string[];
}

/** A StackReference named a stack that has not been planned yet: plan it, then retry. */
class NeedStack extends Error {
  constructor(readonly stack: string) {
    super(`stack ${stack} must be planned first`);
  }
}

interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  readonly read: boolean;
  readonly protect: boolean;
  provider: string | null;
  rawInputs: Record<string, unknown>;
  inputs: Record<string, unknown>;
  id?: string;
}

interface CapturedOptions {
  readonly resource: pulumi.Resource;
  readonly type: string;
  readonly name: string;
  readonly opts: pulumi.ResourceOptions;
}

type MockMonitorLike = Record<
  "registerResource" | "readResource" | "invoke",
  (req: any, cb: any) => Promise<void>
>;

/** Monitor answers for a request the fake cloud refused: nothing known, nothing thrown. */
const noValues = (values: Record<string, unknown> = {}) => ({ toJavaScript: () => values });
const failedRegistration = (urn: string) => ({
  getUrn: () => urn,
  getId: () => "",
  getObject: () => noValues(),
  getPropertydependenciesMap: () => undefined,
  // Not SUCCESS: the SDK then resolves every output as unknown.
  getResult: () => 2,
});
const failedRead = (urn: string) => ({
  getUrn: () => urn,
  getProperties: () => noValues({ outputs: UNKNOWN, secretOutputNames: UNKNOWN }),
});
// One unknown value makes the whole result unknown, so `getXOutput(...)` applies are skipped.
const failedInvoke = () => ({ getFailuresList: () => [], getReturn: () => noValues({ id: UNKNOWN }) });

async function runStack(
  dir: string,
  stack: string,
  opts: PlanOptions,
  program: Program,
  done: ReadonlyMap<string, StackRun>,
): Promise<StackRun> {
  const { project, config, secretKeys } = stackConfig(dir, stack, opts);
  const disabled = disabledDefaultProviders(config);
  const registrations = new Map<string, Registration>();
  const order: string[] = [];
  const captured: CapturedOptions[] = [];
  const failures: Error[] = [];
  let pending: { parent: string; custom: boolean; read: boolean; protect: boolean } | undefined;

  const providerInputs = (ref: string | undefined): Record<string, unknown> => {
    if (!ref) return {};
    return registrations.get(ref.slice(0, ref.lastIndexOf("::")))?.rawInputs ?? {};
  };
  const requireExplicitProvider = (token: string, provider: string | undefined, what: string) => {
    const pkg = token.split(":")[0];
    if (provider || pkg === "pulumi") return;
    if (disabled.includes(pkg) || disabled.includes("*")) {
      throw new Error(
        `Default provider for '${pkg}' disabled. '${token}' (${what}) must use an explicit provider (pulumi:disable-default-providers in Pulumi.yaml).`,
      );
    }
  };
  const fail = (err: Error): never => {
    failures.push(err);
    recentFailures.push(err.message);
    throw err;
  };

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const reg = pending;
      pending = undefined;
      const urn = makeUrn(stack, project, reg?.parent || undefined, args.type, args.name);
      try {
        const rawInputs = unwrap(args.inputs ?? {});
        const custom = reg?.custom ?? args.custom ?? false;
        const record: Registration = {
          urn,
          type: args.type,
          name: args.name,
          parent: reg?.parent || null,
          custom,
          read: reg?.read ?? false,
          protect: reg?.protect ?? false,
          provider: args.provider ? args.provider.slice(0, args.provider.lastIndexOf("::")) : null,
          rawInputs,
          inputs: args.inputs ?? {},
        };
        if (registrations.has(urn))
          throw new Error(
            `duplicate URN ${urn}: two resources of the same type and name under the same parent`,
          );
        registrations.set(urn, record);
        order.push(urn);
        if (args.type === STACK_REFERENCE) return answerStackReference(String(rawInputs.name ?? args.name));
        if (custom && !args.type.startsWith("pulumi:providers:"))
          requireExplicitProvider(args.type, args.provider, urn);
        const answer = fakeResource({
          stack,
          project,
          type: args.type,
          name: args.name,
          urn,
          custom,
          inputs: rawInputs,
          provider: providerInputs(args.provider),
        });
        record.id = answer.id;
        // Real providers echo their inputs (secrets stay wrapped, so they stay secret).
        return { id: answer.id, state: custom ? { ...(args.inputs ?? {}), ...answer.outputs } : {} };
      } catch (err) {
        return fail(err as Error);
      }
    },
    call(args) {
      try {
        requireExplicitProvider(args.token, args.provider, "function call");
        return fakeCall({
          stack,
          project,
          token: args.token,
          inputs: unwrap(args.inputs ?? {}),
          provider: providerInputs(args.provider),
        });
      } catch (err) {
        return fail(err as Error);
      }
    },
  };

  function answerStackReference(name: string) {
    const parts = name.split("/");
    const target = parts[parts.length - 1];
    const refProject = parts.length >= 2 ? parts[parts.length - 2] : project;
    if (refProject !== project) {
      throw new PlanError(
        `StackReference ${JSON.stringify(name)}: the offline plan answers only stacks of project ${project}`,
      );
    }
    const run = done.get(target);
    if (!run) throw new NeedStack(target);
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(run.rawOutputs))
      outputs[k] = run.secretOutputNames.includes(k) ? pulumi.secret(v) : v;
    return { id: name, state: { name, outputs, secretOutputNames: run.secretOutputNames } };
  }

  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.setMocks(mocks, project, stack, PREVIEW, ORGANIZATION);
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  for (const method of ["registerResource", "readResource"] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req: any, cb: any) => {
      // The mock monitor calls newResource synchronously from here: hand it what only the
      // request knows (the parent, hence the URN; the effective, inherited `protect`).
      pending = {
        parent: req.getParent(),
        custom: method === "readResource" ? true : req.getCustom(),
        read: method === "readResource",
        protect: method === "registerResource" ? req.getProtect() === true : false,
      };
      const urn = makeUrn(stack, project, req.getParent() || undefined, req.getType(), req.getName());
      return original(req, (err: unknown, resp: unknown) => {
        // A failed registration would surface as rejections the SDK deliberately leaves
        // unhandled (fatal in Node and in jest). Answer "failed, outputs unknown" instead, so the
        // program runs on without touching the missing values; planStacks reports the failure.
        if (err) cb(null, method === "registerResource" ? failedRegistration(urn) : failedRead(urn));
        else cb(err, resp);
      });
    };
  }
  const originalInvoke = monitor.invoke.bind(monitor);
  monitor.invoke = (req: any, cb: any) =>
    originalInvoke(req, (err: unknown, resp: unknown) => (err ? cb(null, failedInvoke()) : cb(err, resp)));

  let programOutputs: unknown;
  let programError: unknown;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        captured.push({ resource: args.resource, type: args.type, name: args.name, opts: args.opts });
        return undefined;
      });
      try {
        programOutputs = await program();
      } catch (err) {
        // Kept from the SDK, which would echo it as unhandled rejections; planStacks reports it.
        programError = err;
        return {};
      }
      return programOutputs as Record<string, unknown> | undefined;
    });
  } catch (err) {
    // An output that failed to resolve (e.g. an apply over a refused function call's result).
    programError ??= err;
  }
  await waitForRpcs();

  // A fake-cloud failure surfaces as whatever it broke downstream; report its cause instead.
  const need = failures.find((f): f is NeedStack => f instanceof NeedStack);
  if (need) throw need;
  if (failures.length > 0) throw failures[0];
  if (programError !== undefined) throw programError;

  // Options the mocks do not see, from the stack transformation, joined by URN.
  const optionsByUrn = new Map<string, CapturedOptions>();
  await Promise.all(captured.map(async (c) => optionsByUrn.set(await urnOf(c.resource), c)));

  const resources: PlannedResource[] = [];
  for (const urn of order) {
    const r = registrations.get(urn)!;
    const c = optionsByUrn.get(urn);
    resources.push({
      urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      provider: r.provider,
      custom: r.custom,
      inputs: (await render(r.inputs)) as Record<string, unknown>,
      protect: r.protect || c?.opts.protect === true,
      retainOnDelete: c?.opts.retainOnDelete === true,
      dependsOn: c ? await resolveDependsOn(c.opts.dependsOn) : [],
      aliases: c
        ? await resolveAliases(c.opts.aliases as unknown[] | undefined, {
            stack,
            project,
            type: r.type,
            name: r.name,
            parent: r.parent,
          })
        : [],
      ignoreChanges: [...(c?.opts.ignoreChanges ?? [])],
    });
  }

  const serialized =
    programOutputs !== null && typeof programOutputs === "object"
      ? await pulumi.runtime.serializeProperties("stack outputs", programOutputs as Record<string, unknown>)
      : {};
  const outputs: Record<string, unknown> = {};
  const rawOutputs: Record<string, unknown> = {};
  const secretOutputNames: string[] = [];
  for (const [k, v] of Object.entries(serialized)) {
    if (v === undefined) continue;
    outputs[k] = await render(v);
    rawOutputs[k] = unwrap(v);
    if (containsSecret(v)) secretOutputNames.push(k);
  }

  // The rules judge with what the program was configured with, when that config is valid.
  const summary = deploymentSummary({ project, config }, stack);
  const violations = checkResources(
    resources,
    summary.ok
      ? { spec: summary.spec, policy: summary.policy, role: summary.role, environment: summary.environment }
      : {},
  );
  const ids = new Map(
    [...registrations.values()].filter((r) => r.id !== undefined).map((r) => [r.urn, r.id!]),
  );
  return {
    plan: { project, stack, resources, outputs, policy: { violations }, cost: computeCost(resources, ids) },
    rawOutputs,
    secretOutputNames,
  };
}

async function waitForRpcs(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  await settings.waitForRPCs?.();
}

/**
 * Plans the given stacks, one after another in this process (the SDK and program load once).
 * Rejects with `ConfigError` (stacks/program.ts) on invalid config, with {@link PlanError} on a
 * missing or unreadable project/stack file, and with the fake cloud's error on an unknown token.
 */
export async function planStacks(opts: PlanOptions): Promise<StackPlan[]> {
  installRejectionHandler();
  const dir = path.resolve(opts.dir ?? REPO_ROOT);
  const program = opts.program ?? loadProgram();
  const done = new Map<string, StackRun>();
  const inProgress: string[] = [];

  const planOne = async (stack: string): Promise<StackRun> => {
    const existing = done.get(stack);
    if (existing) return existing;
    if (inProgress.includes(stack))
      throw new PlanError(`StackReference cycle: ${[...inProgress, stack].join(" -> ")}`);
    inProgress.push(stack);
    try {
      for (;;) {
        try {
          const run = await runStack(dir, stack, opts, program, done);
          done.set(stack, run);
          return run;
        } catch (err) {
          if (!(err instanceof NeedStack)) throw err;
          await planOne(err.stack);
        }
      }
    } finally {
      inProgress.pop();
    }
  };

  // Environment stacks read `shared`: planning it first saves a retry.
  const order = [...opts.stacks].sort((a, b) => Number(b === "shared") - Number(a === "shared"));
  // The SDK formats a stack trace for every promise it makes (debuggablePromise). Through a
  // source-map-aware Error.prepareStackTrace (ts-node, jest) that dominates the plan's time;
  // V8's own formatting is ~50x cheaper, and the plan reports failures by message.
  // Even then it is half the time: keep no frames unless asked (PLAN_STACK_TRACES=1 to debug a
  // program error with its stack).
  const errorCtor = Error as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const saved = { prepare: errorCtor.prepareStackTrace, limit: errorCtor.stackTraceLimit };
  errorCtor.prepareStackTrace = undefined;
  if (process.env.PLAN_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
  try {
    for (const stack of order) await planOne(stack);
  } finally {
    errorCtor.prepareStackTrace = saved.prepare;
    errorCtor.stackTraceLimit = saved.limit;
  }
  return opts.stacks.map((stack) => done.get(stack)!.plan);
}

/** Stacks of a project directory (from Pulumi.<stack>.yaml), `shared` first. */
export function discoverStacks(dir: string = REPO_ROOT): string[] {
  const stacks = fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  const order = ["shared", "integration", "staging", "pre-production", "production"];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  return stacks.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Config problems as the program reports them (`ConfigError.issues`), if `err` is one. */
export function configIssues(err: unknown): readonly SpecIssue[] | undefined {
  if (
    err instanceof Error &&
    err.name === "ConfigError" &&
    Array.isArray((err as { issues?: unknown }).issues)
  ) {
    return (err as unknown as { issues: SpecIssue[] }).issues;
  }
  return undefined;
}
