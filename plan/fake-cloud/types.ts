import type { KnownFacts } from "../facts";

/**
 * The shape of the fake cloud's tables. Each provider file (aws.ts, github.ts, docker.ts,
 * pulumi.ts) exports one {@link FakeTables}: resources keyed by type token and function calls
 * keyed by function token, each a function of the (unwrapped) inputs.
 *
 * A fake returns only what the provider computes; the runner echoes the inputs into the state
 * itself (as a real provider does), so a fake never needs to copy them.
 */
export interface FakeContext {
  /** Stack being planned. */
  readonly stack: string;
  readonly project: string;
  /** Type token (resources) or function token (calls). */
  readonly token: string;
  /** Logical name of the resource; the token for calls. */
  readonly name: string;
  /** URN the resource will get (calls: ""). */
  readonly urn: string;
  /** Inputs of the explicit provider the resource or call uses (unwrapped), or {}. */
  readonly provider: Readonly<Record<string, unknown>>;
  /** The AWS region of the provider, or the project's default. */
  readonly region: string;
  /** The fake AWS account: 123456789012. */
  readonly accountId: string;
  /** The fake AWS partition: aws. */
  readonly partition: string;
  /** Deterministic lowercase hex derived from the URN (or call inputs) and `salt`. */
  hex(length: number, salt?: string): string;
  /** Deterministic decimal digits derived from the URN (or call inputs) and `salt`. */
  digits(length: number, salt?: string): string;
  /** A name the way Pulumi auto-names it: `${logicalName}-${7 hex}`. */
  autoName(maxLength?: number): string;
  /** What the project's facts.yaml confirms about the org and the account (`{}`: nothing). */
  readonly facts: KnownFacts;
  /**
   * Records that an answer rests on something the facts do not confirm (a login, a team, a
   * network): the plan lists it under `assumptions`.
   */
  assume(kind: string, name: string, why: string): void;
}

export interface FakeResourceResult {
  /** Physical id. */
  readonly id: string;
  /** Computed outputs (merged over the echoed inputs). */
  readonly outputs?: Record<string, unknown>;
}

export type ResourceFake = (inputs: Record<string, any>, ctx: FakeContext) => FakeResourceResult;
export type CallFake = (inputs: Record<string, any>, ctx: FakeContext) => Record<string, unknown>;

export interface FakeTables {
  readonly resources: Readonly<Record<string, ResourceFake>>;
  readonly calls: Readonly<Record<string, CallFake>>;
}

/** Thrown for a function token the fake cloud has no entry for (resources get a generic answer). */
export class UnknownTokenError extends Error {
  constructor(
    readonly kind: "resource" | "function",
    readonly token: string,
    where: string,
  ) {
    super(
      `offline plan: the fake cloud has no entry for ${kind} ${JSON.stringify(token)}${where ? ` (${where})` : ""}. ` +
        `Add one to plan/fake-cloud/${token.split(":")[0] === "pulumi" ? "pulumi" : token.split(":")[0]}.ts ` +
        `(${kind === "resource" ? "resources" : "calls"} table, keyed by the token).`,
    );
    this.name = "UnknownTokenError";
  }
}
