/**
 * Converts what the real policy engine hands a policy (`args.props` behind an unknown-checking
 * proxy, options in `args.opts`) into the `CheckedResource` the rules read, so both runtimes run
 * the same rule code. Values not known during preview become "[unknown]" (rules skip them)
 * instead of throwing half-way through a rule.
 */
import type { CheckedResource } from "./types";
import { UNKNOWN } from "./rules/util";

/**
 * The engine's unknown sentinels (the plugin protocol's values, as `@pulumi/policy/proxy` defines
 * them; that module exports no types, so they are restated here).
 */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);
/** `@pulumi/policy`'s proxies hand back their target for this key. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The parts of `ResourceValidationArgs` and `PolicyResource` the conversion reads. */
export interface EngineResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly opts: {
    readonly protect: boolean;
    readonly aliases?: string[];
    readonly ignoreChanges?: string[];
    readonly parent?: string;
  };
  readonly parent?: { readonly urn: string };
  readonly propertyDependencies?: Record<string, readonly { readonly urn: string }[]>;
}

export function fromEngineResource(r: EngineResource): CheckedResource {
  const deps: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(r.propertyDependencies ?? {})) deps[key] = list.map((d) => d.urn);
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.opts.parent ?? r.parent?.urn ?? null,
    custom: !(r.type === "pulumi:pulumi:Stack" || r.type.startsWith("delivery:")),
    inputs: plain(unwrap(r.props)) as Record<string, unknown>,
    protect: r.opts.protect === true,
    // Not part of the policy engine's resource options: undefined, never guessed.
    retainOnDelete: undefined,
    aliases: r.opts.aliases ?? [],
    ignoreChanges: r.opts.ignoreChanges ?? [],
    propertyDependencies: deps,
  };
}

function unwrap(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  const target = (v as Record<string, unknown>)[PROXY_TARGET];
  return target !== undefined ? target : v;
}

/** A plain copy: unknown sentinels become "[unknown]", wrapped secrets their value. */
function plain(v: unknown): unknown {
  const raw = unwrap(v);
  if (typeof raw === "string") return UNKNOWN_SENTINELS.has(raw) ? UNKNOWN : raw;
  if (Array.isArray(raw)) return raw.map(plain);
  if (typeof raw === "object" && raw !== null) {
    if (raw.constructor?.name === "Secret" && "value" in raw) return plain((raw as { value: unknown }).value);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(raw)) out[k] = plain(x);
    return out;
  }
  return raw;
}
