/**
 * The recorder: what the program registered, in order, with the options mocks do not see
 * (retainOnDelete, dependsOn, aliases, ignoreChanges, import, captured by a stack transformation and
 * joined by URN), rendered as the contract's resources.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "./contract";
import { render, resolved, urnOf } from "./values";

/** What the mock engine learns of one registration. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  /** Effective (inherited) protect, from the registration request. */
  readonly protect: boolean;
  /** URN of the explicit provider, or null. */
  readonly provider: string | null;
  /**
   * Inputs with secrets unwrapped, kept for explicit providers only: the fake cloud reads a
   * provider's inputs (region, owner) when answering the resources and calls that use it.
   */
  readonly rawInputs?: Record<string, unknown>;
  /** Inputs as the SDK sent them (secrets still wrapped): what the plan renders; not kept when nothing is rendered. */
  readonly inputs?: Record<string, unknown>;
  /** Physical id the fake cloud gave it. */
  id?: string;
}

interface CapturedOptions {
  readonly resource: pulumi.Resource;
  readonly opts: pulumi.ResourceOptions;
}

/** The URN Pulumi builds: the parent's type chain, `$`-joined, then this type and name. */
export function makeUrn(
  stack: string,
  project: string,
  parentUrn: string | undefined,
  type: string,
  name: string,
) {
  let qualified = type;
  if (parentUrn) qualified = `${parentUrn.split("::")[2].split("$").pop()}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

export interface RecorderOptions {
  /**
   * Keep what {@link Recorder.resources} renders (inputs, options). Off for a stack planned only
   * for its outputs: its registrations are then checked for duplicate URNs and forgotten.
   * @default true
   */
  readonly render?: boolean;
}

export class Recorder {
  private readonly registrations = new Map<string, Registration>();
  private readonly captured: CapturedOptions[] = [];
  /** Whether registrations keep their inputs and options, to be rendered. */
  readonly renders: boolean;

  constructor(
    readonly stack: string,
    readonly project: string,
    opts: RecorderOptions = {},
  ) {
    this.renders = opts.render ?? true;
  }

  /** Records a registration; a second one with the same URN is the program's bug, named. */
  add(r: Registration): void {
    if (this.registrations.has(r.urn))
      throw new Error(
        `duplicate URN ${r.urn}: two resources of the same type and name under the same parent`,
      );
    this.registrations.set(r.urn, r);
  }

  get(urn: string): Registration | undefined {
    return this.registrations.get(urn);
  }

  /** Physical ids by URN (the cost estimate names resources by them). */
  ids(): Map<string, string> {
    return new Map(
      [...this.registrations.values()].filter((r) => r.id !== undefined).map((r) => [r.urn, r.id!]),
    );
  }

  /**
   * Runs the program as Pulumi would (a root stack resource, so a stack transformation can
   * capture options); returns its outputs, or the error it failed with, never throwing.
   */
  async run(program: () => unknown): Promise<{ outputs: unknown; error: unknown }> {
    let outputs: unknown;
    let error: unknown;
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        if (this.renders)
          pulumi.runtime.registerStackTransformation((args) => {
            this.captured.push({ resource: args.resource, opts: args.opts });
            return undefined;
          });
        try {
          outputs = await program();
        } catch (err) {
          // Kept from the SDK, which would echo it as unhandled rejections; the caller reports it.
          error = err;
          return {};
        }
        return outputs as Record<string, unknown> | undefined;
      });
    } catch (err) {
      // An output that failed to resolve (e.g. an apply over a refused function call's result).
      error ??= err;
    }
    return { outputs, error };
  }

  /** The recorded resources in registration order, as the contract shows them. */
  async resources(): Promise<PlannedResource[]> {
    const optionsByUrn = new Map<string, CapturedOptions>();
    await Promise.all(this.captured.map(async (c) => optionsByUrn.set(await urnOf(c.resource), c)));
    const out: PlannedResource[] = [];
    for (const r of this.registrations.values()) {
      const c = optionsByUrn.get(r.urn);
      out.push({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        provider: r.provider,
        custom: r.custom,
        inputs: (await render(r.inputs ?? {})) as Record<string, unknown>,
        protect: r.protect || c?.opts.protect === true,
        retainOnDelete: c?.opts.retainOnDelete === true,
        dependsOn: c ? await dependsOnUrns(c.opts.dependsOn) : [],
        aliases: c ? await this.aliasUrns(c.opts.aliases as unknown[] | undefined, r) : [],
        ignoreChanges: [...(c?.opts.ignoreChanges ?? [])],
        ...importOf(c?.opts),
      });
    }
    return out;
  }

  private async aliasUrns(aliases: readonly unknown[] | undefined, self: Registration): Promise<string[]> {
    const out: string[] = [];
    for (const item of aliases ?? []) {
      const alias = await resolved(item);
      if (typeof alias === "string") {
        out.push(alias);
        continue;
      }
      const a = (alias ?? {}) as Record<string, unknown>;
      const field = (k: string) => resolved(a[k]);
      let parent: string | undefined = self.parent ?? undefined;
      const p = await field("parent");
      const parentUrn = await field("parentUrn");
      if ((await field("noParent")) === true) parent = undefined;
      else if (pulumi.Resource.isInstance(p)) parent = await urnOf(p);
      else if (typeof parentUrn === "string") parent = parentUrn;
      out.push(
        makeUrn(
          String((await field("stack")) ?? this.stack),
          String((await field("project")) ?? this.project),
          parent,
          String((await field("type")) ?? self.type),
          String((await field("name")) ?? self.name),
        ),
      );
    }
    return out;
  }
}

/** `import` is an option of custom resources only; the contract shows it only where it is set. */
function importOf(opts: pulumi.CustomResourceOptions | undefined): { import?: string } {
  return typeof opts?.import === "string" ? { import: opts.import } : {};
}

async function dependsOnUrns(dependsOn: unknown): Promise<string[]> {
  const value = await resolved(dependsOn);
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const urns: string[] = [];
  for (const item of list) {
    const r = await resolved(item);
    if (pulumi.Resource.isInstance(r)) urns.push(await urnOf(r));
  }
  return urns;
}
