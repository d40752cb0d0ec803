/**
 * The Pulumi program: loads and validates the stack's configuration, then runs the program for
 * the stack's role. Knows nothing about being planned offline.
 */
import * as pulumi from "@pulumi/pulumi";
import { SpecError, type SpecIssue } from "../components/team";
import { loadStackContext } from "./config";
import { environmentStack } from "./environment";
import { sharedReferencedOutputs, sharedStack } from "./shared";

/** Invalid configuration: printed without a stack trace; `issues` names every bad key. */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly issues: readonly SpecIssue[],
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

function stackContext() {
  try {
    return loadStackContext();
  } catch (err) {
    // A RunError prints its message without a stack trace: config mistakes are not crashes.
    if (err instanceof SpecError) throw new ConfigError(err.issues, err.message);
    throw err;
  }
}

export async function program(): Promise<Record<string, unknown>> {
  const ctx = stackContext();
  return ctx.role === "shared" ? sharedStack(ctx) : environmentStack(ctx);
}

/**
 * The part of the shared stack's program that produces what environment stacks read through
 * their StackReference (stacks/shared.ts `sharedReferencedOutputs`, which `program` runs too).
 * Only the offline plan runs it alone; a stack of another role has nothing referenced.
 */
export async function referencedOutputsProgram(): Promise<Record<string, unknown>> {
  const ctx = stackContext();
  if (ctx.role !== "shared")
    throw new Error(
      `stack ${ctx.stack} (${ctx.role}): only the shared stack is read through a StackReference`,
    );
  return sharedReferencedOutputs(ctx);
}
