/**
 * The fake cloud: answers resource registrations and function calls for the offline plan (and
 * the tests' mocks) from per-provider tables. A token without an entry is an error, never a
 * silent empty answer: a plan that "works" on invented nothing would hide a broken program.
 */
import { createHash } from "crypto";
import { aws } from "./aws";
import { docker } from "./docker";
import { github } from "./github";
import { kubernetes } from "./kubernetes";
import { pulumiTables } from "./pulumi";
import { UnknownTokenError, type FakeContext, type FakeTables } from "./types";

export * from "./types";

export const FAKE_ACCOUNT_ID = "123456789012";
export const FAKE_PARTITION = "aws";
/** Region used when neither the resource nor its provider names one (the AWS SDK's default). */
export const DEFAULT_REGION = "us-east-1";

const TABLES: readonly FakeTables[] = [aws, github, docker, kubernetes, pulumiTables];

function lookup<K extends keyof FakeTables>(kind: K, token: string): FakeTables[K][string] | undefined {
  for (const t of TABLES) {
    const entry = t[kind][token];
    if (entry) return entry as FakeTables[K][string];
  }
  return undefined;
}

function context(args: {
  stack: string;
  project: string;
  token: string;
  name: string;
  urn: string;
  seed: string;
  provider: Record<string, unknown>;
  inputs: Record<string, unknown>;
}): FakeContext {
  const digest = (salt: string) => createHash("sha256").update(`${args.seed}\u0000${salt}`).digest("hex");
  const hex = (length: number, salt = "") => {
    let out = "";
    for (let i = 0; out.length < length; i++) out += digest(`${salt}#${i}`);
    return out.slice(0, length);
  };
  const region = String(args.inputs.region ?? args.provider.region ?? DEFAULT_REGION);
  return {
    stack: args.stack,
    project: args.project,
    token: args.token,
    name: args.name,
    urn: args.urn,
    provider: args.provider,
    region,
    accountId: FAKE_ACCOUNT_ID,
    partition: FAKE_PARTITION,
    hex,
    digits: (length, salt = "") => {
      const h = hex(length * 2, `digits:${salt}`);
      let out = "";
      for (let i = 0; i < length; i++) out += String(parseInt(h.slice(i * 2, i * 2 + 2), 16) % 10);
      // No leading zero: ids are numbers.
      return out.replace(/^0/, "1");
    },
    autoName: (maxLength = 255) => `${args.name}-${hex(7, "autoname")}`.slice(0, maxLength),
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
  const fake = lookup("resources", req.type);
  if (!fake) throw new UnknownTokenError("resource", req.type, req.urn);
  const result = fake(req.inputs as Record<string, any>, context({ ...req, token: req.type, seed: req.urn }));
  return { id: result.id, outputs: result.outputs ?? {} };
}

export interface CallRequest {
  readonly stack: string;
  readonly project: string;
  readonly token: string;
  readonly inputs: Record<string, unknown>;
  readonly provider: Record<string, unknown>;
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
