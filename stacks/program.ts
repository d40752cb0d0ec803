/**
 * The Pulumi program: loads and validates the stack's configuration, then runs the program for
 * the stack's role. Knows nothing about being planned offline.
 */
import * as pulumi from "@pulumi/pulumi";
import { SpecError, type SpecIssue } from "../components/team";
import { loadStackContext } from "./config";
import { environmentStack } from "./environment";
import { sharedStack } from "./shared";

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

export async function program(): Promise<Record<string, unknown>> {
  let ctx;
  try {
    ctx = loadStackContext();
  } catch (err) {
    // A RunError prints its message without a stack trace: config mistakes are not crashes.
    if (err instanceof SpecError) throw new ConfigError(err.issues, err.message);
    throw err;
  }
  return ctx.role === "shared" ? sharedStack(ctx) : environmentStack(ctx);
}
