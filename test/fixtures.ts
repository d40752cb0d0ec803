/** Specs used across tests: the reference team as written in Pulumi.yaml, and small variants. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseTeamSpec, type BranchModel, type TeamSpec } from "../components/team";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** The raw reference team spec, exactly as Pulumi.yaml holds it. */
export function referenceTeamRaw(): Record<string, unknown> {
  const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
  return structuredClone(project.config["delivery-workflow:team"].value);
}

export function referenceTeam(): TeamSpec {
  return parseTeamSpec(referenceTeamRaw());
}

/** A valid minimal spec for a branch model, with every role that model deploys. */
export function teamFor(model: BranchModel, overrides: Record<string, unknown> = {}): TeamSpec {
  const environments =
    model === "staging-branch"
      ? [
          { name: "staging", role: "staging" },
          { name: "production", role: "production" },
        ]
      : model === "pre-production"
        ? [
            { name: "integration", role: "integration" },
            { name: "pre-production", role: "staging" },
            { name: "production", role: "production" },
          ]
        : [
            { name: "integration", role: "integration" },
            { name: "staging", role: "staging" },
            { name: "production", role: "production" },
          ];
  return parseTeamSpec({
    name: "payments",
    github: { owner: "acme", plan: "enterprise" },
    aws: { region: "us-east-1" },
    people: { maintainers: ["alice"], reviewers: ["acme/payments-devs"] },
    branchModel: model,
    services: [{ name: "api", port: 8080 }],
    environments,
    ...overrides,
  });
}

export const BRANCH_MODELS_UNDER_TEST: readonly BranchModel[] = ["trunk", "staging-branch", "pre-production"];
