/**
 * The mock engine: Pulumi's mock monitor (`pulumi.runtime.setMocks`) answered by the fake cloud,
 * for one stack. It hands every registration to the recorder, answers StackReferences with the
 * referenced stack's outputs, refuses a resource without an explicit provider when default
 * providers are disabled, and keeps every failure to itself.
 *
 * A failure (a function the fake cloud does not know, a missing provider, a program error) is
 * never handed back to the SDK, which would turn it into rejections it leaves unhandled (fatal
 * in Node and jest): the monitor answers "failed, outputs unknown", the program runs to its end,
 * and the caller reports the first failure from {@link MockEngine.failures}.
 */
import * as pulumi from "@pulumi/pulumi";
import { fakeCall, fakeResource, isKnownResourceType } from "./fake-cloud";
import type { AssumptionLog, KnownFacts } from "./facts";
import { makeUrn, type Recorder, type Registration } from "./recorder";
import { unwrap, UNKNOWN } from "./values";

/** Mocks run as a preview: an output the fake cloud does not answer is unknown, as in `pulumi preview`. */
const PREVIEW = true;
const ORGANIZATION = "organization";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** What a StackReference reads: the referenced stack's plain outputs and which are secret. */
export interface ReferencedOutputs {
  readonly outputs: Record<string, unknown>;
  readonly secretOutputNames: readonly string[];
}

export interface EngineOptions {
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  readonly secretKeys: readonly string[];
  /** Packages whose default provider is disabled ("*": all). */
  readonly disabledProviders: readonly string[];
  readonly facts: KnownFacts;
  readonly assumptions: AssumptionLog;
  readonly recorder: Recorder;
  /** Outputs of a referenced stack (`org/project/stack`); throws when it cannot be answered. */
  readonly stackReference: (name: string) => ReferencedOutputs;
}

type MonitorLike = Record<
  "registerResource" | "readResource" | "invoke",
  (req: any, cb: any) => Promise<void>
>;

/**
 * What the SDK's MockMonitor keeps of each registration (runtime/mocks.ts `resources`): its URN
 * and id, never its serialized state, which only `getRegisteredResources()` reads (unused here)
 * and which would hold a second copy of every input for the whole run.
 */
class RegistrationIndex extends Map<string, unknown> {
  override set(urn: string, entry: unknown): this {
    const { id } = (entry ?? {}) as { id?: unknown };
    // registerResourceOutputs assigns `state`: accepted and dropped.
    const lean = Object.defineProperty({ urn, id }, "state", { get: () => undefined, set: () => {} });
    return super.set(urn, lean);
  }
}

/**
 * The SDK builds a source position for every resource from a full stack trace
 * (sdk/nodejs/resource.ts `callsites`: Error.stackTraceLimit = Infinity, then parses the text),
 * for the engine to show in diagnostics. The mock monitor never reads it; for a large team it was
 * a tenth of the plan's time and its largest source of garbage. Positions are empty while
 * planning (restored by {@link MockEngine.uninstall}).
 */
const resourceStatics = pulumi.Resource as unknown as { callsites?: () => unknown[] };
const sdkCallsites = resourceStatics.callsites;

/**
 * The program's own error from a rejection the SDK left unhandled. The SDK prefixes the same
 * Error object with `error serializing property "<key>": ` at every level it passes through
 * (runtime/rpc.ts serializeFilteredProperties), so the message that names the spec key ends up
 * behind a chain of them; the plan reports the program's words.
 */
function programError(reason: unknown): Error {
  if (!(reason instanceof Error)) return new Error(String(reason));
  const message = reason.message.replace(/^(error serializing property "[^"]*": )+/, "");
  return message === reason.message ? reason : new Error(message);
}

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

export class MockEngine {
  /** Failures in the order they happened; the first is the cause of the rest. */
  readonly failures: Error[] = [];
  /**
   * Rejects with the first failure. A run waits on it beside the program: an error thrown inside
   * an `apply` rejects promises the SDK leaves unhandled, and every output computed from it then
   * never resolves, so the program's run would wait forever (or, with Node's default handling,
   * crash the process). `pulumi up` fails the stack on the first such rejection
   * (sdk/nodejs/cmd/run/run.ts `uncaughtHandler`); so does the plan.
   */
  readonly failed: Promise<never>;
  private rejectFailed: (err: Error) => void = () => {};
  private readonly onRejection = (reason: unknown) => this.record(programError(reason));
  /** Every function call the program made and its answer: preflight rules judge them (the AMI's architecture). */
  readonly lookups: { token: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] =
    [];
  private pending: { parent: string; custom: boolean; protect: boolean } | undefined;
  private stackTraceLimit: number | undefined;

  constructor(private readonly o: EngineOptions) {
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    // Observed by the run's race; never an unhandled rejection of its own.
    this.failed.catch(() => undefined);
  }

  /** Points the SDK at this engine: the stack's config, the mocks, the monitor's error handling. */
  async install(): Promise<void> {
    const { project, stack } = this.o;
    pulumi.runtime.setAllConfig(this.o.config, [...this.o.secretKeys]);
    await pulumi.runtime.setMocks(this.mocks(), project, stack, PREVIEW, ORGANIZATION);
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike & { resources?: unknown };
    if (monitor.resources instanceof Map) monitor.resources = new RegistrationIndex();
    process.on("unhandledRejection", this.onRejection);
    if (typeof sdkCallsites === "function") resourceStatics.callsites = () => [];
    // The SDK records a stack trace for every promise it makes (runtime/debuggable.ts); where
    // frames are kept and source-mapped (jest, ts-node) that was most of a plan's time: a
    // 60-service team took 67-79 s in process instead of 9 s. The plan reports failures by
    // message, so no frames while a stack runs (restored by uninstall); PLAN_STACK_TRACES=1 keeps
    // them to debug a program error.
    this.stackTraceLimit = Error.stackTraceLimit;
    if (process.env.PLAN_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
    for (const method of ["registerResource", "readResource"] as const) {
      const original = monitor[method].bind(monitor);
      monitor[method] = (req: any, cb: any) => {
        // The mock monitor calls newResource synchronously from here: hand it what only the
        // request knows (the parent, hence the URN; the effective, inherited `protect`).
        this.pending = {
          parent: req.getParent(),
          custom: method === "readResource" ? true : req.getCustom(),
          protect: method === "registerResource" ? req.getProtect() === true : false,
        };
        const urn = makeUrn(stack, project, req.getParent() || undefined, req.getType(), req.getName());
        return original(req, (err: unknown, resp: unknown) => {
          if (err) cb(null, method === "registerResource" ? failedRegistration(urn) : failedRead(urn));
          else cb(err, resp);
        });
      };
    }
    const originalInvoke = monitor.invoke.bind(monitor);
    monitor.invoke = (req: any, cb: any) =>
      originalInvoke(req, (err: unknown, resp: unknown) => (err ? cb(null, failedInvoke()) : cb(err, resp)));
  }

  /** Gives the SDK back its source positions and the process its stack frames (tests plan and then run other code). */
  uninstall(): void {
    if (typeof sdkCallsites === "function") resourceStatics.callsites = sdkCallsites;
    if (this.stackTraceLimit !== undefined) Error.stackTraceLimit = this.stackTraceLimit;
    process.off("unhandledRejection", this.onRejection);
  }

  private record(err: Error): void {
    this.failures.push(err);
    if (this.failures.length === 1) this.rejectFailed(err);
  }

  private fail(err: Error): never {
    this.record(err);
    throw err;
  }

  private providerInputs(ref: string | undefined): Record<string, unknown> {
    if (!ref) return {};
    return this.o.recorder.get(ref.slice(0, ref.lastIndexOf("::")))?.rawInputs ?? {};
  }

  private requireExplicitProvider(token: string, provider: string | undefined, what: string): void {
    const pkg = token.split(":")[0];
    if (provider || pkg === "pulumi") return;
    const disabled = this.o.disabledProviders;
    if (disabled.includes(pkg) || disabled.includes("*")) {
      throw new Error(
        `Default provider for '${pkg}' disabled. '${token}' (${what}) must use an explicit provider (pulumi:disable-default-providers in Pulumi.yaml).`,
      );
    }
  }

  private assume = (kind: string, name: string, why: string, source: string) =>
    this.o.assumptions.add({ kind, name, source, why });

  private mocks(): pulumi.runtime.Mocks {
    const { project, stack, facts } = this.o;
    return {
      newResource: (args) => {
        const reg = this.pending;
        this.pending = undefined;
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
            protect: reg?.protect ?? false,
            provider: args.provider ? args.provider.slice(0, args.provider.lastIndexOf("::")) : null,
            ...(args.type.startsWith("pulumi:providers:") ? { rawInputs } : {}),
            ...(this.o.recorder.renders ? { inputs: args.inputs ?? {} } : {}),
          };
          this.o.recorder.add(record);
          if (args.type === STACK_REFERENCE) {
            const name = String(rawInputs.name ?? args.name);
            const ref = this.o.stackReference(name);
            const outputs: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(ref.outputs))
              outputs[k] = ref.secretOutputNames.includes(k) ? pulumi.secret(v) : v;
            return { id: name, state: { name, outputs, secretOutputNames: [...ref.secretOutputNames] } };
          }
          if (custom && !args.type.startsWith("pulumi:providers:"))
            this.requireExplicitProvider(args.type, args.provider, urn);
          if (custom && !isKnownResourceType(args.type))
            this.assume(
              "fake-outputs",
              args.type,
              "the fake cloud has no entry for this type (plan/fake-cloud): its id and ARN were made up by convention",
              urn,
            );
          const answer = fakeResource({
            stack,
            project,
            type: args.type,
            name: args.name,
            urn,
            custom,
            inputs: rawInputs,
            provider: this.providerInputs(args.provider),
            facts,
            assume: (kind, name, why) => this.assume(kind, name, why, urn),
          });
          record.id = answer.id;
          // Real providers echo their inputs (secrets stay wrapped, so they stay secret).
          return { id: answer.id, state: custom ? { ...(args.inputs ?? {}), ...answer.outputs } : {} };
        } catch (err) {
          return this.fail(err as Error);
        }
      },
      call: (args) => {
        try {
          this.requireExplicitProvider(args.token, args.provider, "function call");
          const inputs = unwrap(args.inputs ?? {}) as Record<string, unknown>;
          const outputs = fakeCall({
            stack,
            project,
            token: args.token,
            inputs,
            provider: this.providerInputs(args.provider),
            facts,
            assume: (kind, name, why) => this.assume(kind, name, why, args.token),
          });
          this.lookups.push({ token: args.token, inputs, outputs: outputs as Record<string, unknown> });
          return outputs;
        } catch (err) {
          return this.fail(err as Error);
        }
      },
    };
  }
}

/** Waits for the SDK's outstanding RPCs (registrations still in flight). */
export async function waitForRpcs(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  await settings.waitForRPCs?.();
}
