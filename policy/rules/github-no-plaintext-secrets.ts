/**
 * github-no-plaintext-secrets — a secret written in plain text in the program (or in config not
 * marked secure) ends up readable in the state, the plan and the logs. Mirrors checkov CKV_GIT_4
 * (`plaintext_value`). Mandatory. `plaintextValue` is refused outright (deprecated; use `value`);
 * `value` must be a Pulumi secret — checked where secrets are visible as such (the offline plan;
 * the real policy engine unwraps them).
 */
import type { ResourceRule } from "../types";
import { isUnknown, SECRET, T } from "./util";

export const githubNoPlaintextSecrets: ResourceRule = {
  kind: "resource",
  id: "github-no-plaintext-secrets",
  description:
    "GitHub Actions and Dependabot secrets never use plaintextValue, and their value is a Pulumi secret.",
  mirrors: "checkov CKV_GIT_4",
  level: "mandatory",
  types: [T.ghSecret, T.ghEnvironmentSecret, T.ghOrganizationSecret, T.ghDependabotSecret],
  check(r, ctx) {
    const out: string[] = [];
    const plain = r.inputs.plaintextValue;
    if (plain !== undefined && plain !== null && plain !== "") {
      out.push("plaintextValue is set; use `value` with a Pulumi secret (pulumi config set --secret)");
    }
    const value = r.inputs.value;
    if (ctx.secretsMarked && typeof value === "string" && value !== SECRET && !isUnknown(value)) {
      out.push("value is not a Pulumi secret; read it with config.requireSecret or wrap it in pulumi.secret");
    }
    return out;
  },
};
