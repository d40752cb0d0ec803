/**
 * Values as the SDK hands them to a mock engine, and as the plan shows them: secrets (wrapped by
 * the SDK's signature) render as "[secret]", values not known offline as "[unknown]", resource
 * references as their URN.
 */
import * as pulumi from "@pulumi/pulumi";

/** The SDK's "special signature" key and its values (sdk/nodejs/runtime/rpc.ts). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** The SDK's marker of an unknown value during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SECRET_TEXT = "[secret]";
export const UNKNOWN_TEXT = "[unknown]";

const isSecret = (v: unknown): v is { value: unknown } =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
const isResourceRef = (v: unknown): v is { urn: string } =>
  v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG] === RESOURCE_SIG;

/** The plain value, secrets unwrapped: for the fake cloud and StackReference answers only. */
export function unwrap(v: unknown): any {
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

export const containsSecret = (v: unknown): boolean =>
  isSecret(v) ||
  (Array.isArray(v)
    ? v.some(containsSecret)
    : v !== null && typeof v === "object"
      ? Object.values(v).some(containsSecret)
      : false);

/** Resolves an Output without registering anything (its value, or unknown). */
export function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => {
    o.apply((v) => {
      resolve(v);
      return v;
    });
  });
}

export const urnOf = (r: pulumi.Resource): Promise<string> => settle(r.urn);

/** Awaits a promise or Output, as option fields may be either. */
export async function resolved(v: unknown): Promise<unknown> {
  const value = await v;
  return pulumi.Output.isInstance(value) ? settle(value as pulumi.Output<unknown>) : value;
}

/** The value as the plan shows it. */
export async function render(v: unknown): Promise<unknown> {
  if (v === UNKNOWN) return UNKNOWN_TEXT;
  if (v === null || typeof v !== "object") return v;
  if (isSecret(v)) return SECRET_TEXT;
  if (isResourceRef(v)) return v.urn;
  if (pulumi.Resource.isInstance(v)) return urnOf(v);
  if (Array.isArray(v)) return Promise.all(v.map(render));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await render(x);
  return out;
}
