/**
 * The policy pack's rules as plain functions, so the offline plan can run them over its recorded
 * resources without starting the policy server. (Stub: the rules arrive with the guardrails work.)
 */
export type PolicyLevel = "mandatory" | "advisory";

/** A resource as the offline plan records it (a subset of its JSON contract). */
export interface CheckedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly custom: boolean;
  /** Inputs with secret values rendered as "[secret]". */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

export interface Violation {
  readonly policy: string;
  readonly level: PolicyLevel;
  readonly urn: string;
  readonly message: string;
}

/** Runs every rule over a stack's resources. */
export function checkResources(_resources: readonly CheckedResource[]): Violation[] {
  return [];
}
