/**
 * The fake cloud: answers resource registrations and function calls for the offline plan (and
 * the tests' mocks) from per-provider tables.
 *
 * - A resource type with a table entry gets the id and computed outputs its provider would
 *   report. A type without one (a new resource a component just started using) gets an answer
 *   by convention, an id, and for AWS an ARN, and is listed by {@link isKnownResourceType} as
 *   not known, so the plan says its outputs were invented.
 * - A function without an entry is an error: a lookup's result has no convention to invent.
 * - Lookups answer from the project's known facts (plan/facts.ts); what they do not confirm is
 *   answered anyway and reported through `assume`.
 */
import { createHash } from "crypto";
import { aws } from "./aws";
import { docker } from "./docker";
import { github } from "./github";
import { kubernetes } from "./kubernetes";
import { isProviderType, provider, pulumiTables } from "./pulumi";
import { UnknownTokenError, type FakeContext, type FakeTables } from "./types";
import type { KnownFacts } from "../facts";

export * from "./types";

/** The account ARNs use when facts.yaml names none. */
export const FAKE_ACCOUNT_ID = "123456789012";
export const FAKE_PARTITION = "aws";
/** Region used when neither the resource nor its provider names one (the AWS SDK's default). */
export const DEFAULT_REGION = "us-east-1";

const TABLES: readonly FakeTables[] = [aws, github, docker, kubernetes, pulumiTables];

function lookup<K extends keyof FakeTables>(kind: K, token: string): FakeTables[K][string] | undefined {
  if (kind === "resources" && isProviderType(token)) return provider as FakeTables[K][string];
  for (const t of TABLES) {
    const entry = t[kind][token];
    if (entry) return entry as FakeTables[K][string];
  }
  return undefined;
}

/** Whether the fake cloud has a table entry for a resource type (else outputs are by convention). */
export function isKnownResourceType(type: string): boolean {
  return type.startsWith("pulumi:") || lookup("resources", type) !== undefined;
}

interface ContextArgs {
  readonly stack: string;
  readonly project: string;
  readonly token: string;
  readonly name: string;
  readonly urn: string;
  readonly seed: string;
  readonly provider: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  readonly facts?: KnownFacts;
  readonly assume?: FakeContext["assume"];
}

function context(args: ContextArgs): FakeContext {
  const digest = (salt: string) => createHash("sha256").update(`${args.seed}\u0000${salt}`).digest("hex");
  const hex = (length: number, salt = "") => {
    let out = "";
    for (let i = 0; out.length < length; i++) out += digest(`${salt}#${i}`);
    return out.slice(0, length);
  };
  const region = String(args.inputs.region ?? args.provider.region ?? DEFAULT_REGION);
  const facts = args.facts ?? {};
  return {
    stack: args.stack,
    project: args.project,
    token: args.token,
    name: args.name,
    urn: args.urn,
    provider: args.provider,
    region,
    accountId: facts.aws?.accountId ?? FAKE_ACCOUNT_ID,
    partition: facts.aws?.partition ?? FAKE_PARTITION,
    hex,
    digits: (length, salt = "") => {
      const h = hex(length * 2, `digits:${salt}`);
      let out = "";
      for (let i = 0; i < length; i++) out += String(parseInt(h.slice(i * 2, i * 2 + 2), 16) % 10);
      // No leading zero: ids are numbers.
      return out.replace(/^0/, "1");
    },
    autoName: (maxLength = 255) => `${args.name}-${hex(7, "autoname")}`.slice(0, maxLength),
    facts,
    assume: args.assume ?? (() => undefined),
  };
}

export interface ResourceRequest {
  readonly stack: string;
  readonly project: string;
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  /** Inputs with secrets unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Inputs of the resource's explicit provider (unwrapped), or {}. */
  readonly provider: Record<string, unknown>;
  readonly facts?: KnownFacts;
  readonly assume?: FakeContext["assume"];
}

/**
 * The physical id and computed outputs for a resource. Components (custom = false) have no cloud
 * side and get an empty answer.
 */
export function fakeResource(req: ResourceRequest): {
  id: string | undefined;
  outputs: Record<string, unknown>;
} {
  if (!req.custom) return { id: undefined, outputs: {} };
  const ctx = context({ ...req, token: req.type, seed: req.urn });
  const fake = lookup("resources", req.type) ?? byConvention;
  const result = fake(req.inputs as Record<string, any>, ctx);
  return { id: result.id, outputs: result.outputs ?? {} };
}

/**
 * A resource type without a table entry: an id from its name (as auto-naming does), and for AWS
 * an ARN `arn:<partition>:<service>:<region>:<account>:<resource>/<id>` from the type token
 * (`aws:ssm/document:Document` → service ssm, resource document). Good enough for ids and ARNs a
 * program passes on; anything else it reads stays as the inputs it gave.
 */
const byConvention = (inputs: Record<string, any>, ctx: FakeContext) => {
  const [pkg, module = "", kind = ""] = ctx.token.split(":");
  const metadata = inputs.metadata as { name?: string; namespace?: string } | undefined;
  const name = String(inputs.name ?? metadata?.name ?? ctx.autoName());
  const id = metadata?.namespace ? `${metadata.namespace}/${name}` : name;
  if (pkg !== "aws") return { id, outputs: metadata ? { metadata: { ...metadata, name } } : {} };
  const service = module.split("/")[0];
  const resource = kind.charAt(0).toLowerCase() + kind.slice(1);
  return {
    id,
    outputs: {
      arn: `arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:${resource}/${name}`,
      region: ctx.region,
    },
  };
};

export interface CallRequest {
  readonly stack: string;
  readonly project: string;
  readonly token: string;
  readonly inputs: Record<string, unknown>;
  readonly provider: Record<string, unknown>;
  readonly facts?: KnownFacts;
  readonly assume?: FakeContext["assume"];
}

/** The result of a provider function call. */
export function fakeCall(req: CallRequest): Record<string, unknown> {
  const fake = lookup("calls", req.token);
  if (!fake) throw new UnknownTokenError("function", req.token, "");
  const seed = `${req.stack}:${req.token}:${stableJson(req.inputs)}`;
  return fake(req.inputs as Record<string, any>, context({ ...req, name: req.token, urn: "", seed }));
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
