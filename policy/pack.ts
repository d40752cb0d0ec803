/**
 * The policy pack's entry point for `pulumi preview --policy-pack policy` (package.json `main`).
 * Constructing a PolicyPack starts the policy server, so nothing else imports this file: the
 * offline plan and the tests use `policy/index.ts` and `policy/policies.ts`.
 */
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
import { loadProjectContext } from "./context";
import { packPolicies } from "./policies";

/** The project this pack judges: its parent directory unless told otherwise. */
const projectDir = process.env.DELIVERY_WORKFLOW_PROJECT_DIR ?? path.resolve(__dirname, "..");

new PolicyPack("delivery-workflow-guardrails", {
  description:
    "Guardrails for the delivery-workflow program: registry, servers, CI identity, GitHub rules, secrets, data safety.",
  policies: packPolicies((stack) => loadProjectContext(projectDir, stack)),
});
