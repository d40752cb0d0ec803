/**
 * What a stack deploys, from the settings the program resolves (components/settings), for the
 * text output. Presentation only: the program itself decides what to create.
 */
import { deploymentOf, type Deployment } from "../components/release";
import type { StackSettings } from "../components/settings";

export interface DeploymentSummary {
  readonly deployment: Deployment;
  readonly services: readonly string[];
}

/** What an environment stack deploys, and from which trigger; undefined for the shared stack. */
export function deploymentSummary(settings: StackSettings): DeploymentSummary | undefined {
  if (!settings.environment) return undefined;
  return {
    deployment: deploymentOf(settings.policy, settings.environment.name),
    services: settings.spec.services.map((s) => s.name),
  };
}
