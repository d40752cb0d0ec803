/**
 * config-plaintext-secrets — a secret written in plain text into `Pulumi.<stack>.yaml` is
 * readable by everyone who reads the repository, and survives in its history. Mirrors checkov
 * CKV_SECRET_* (secrets in files) for Pulumi stack files; the detection is
 * `plaintextSecretsIn` (components/team/secrets.ts): the stack settings that are secrets by
 * definition, and values shaped like credentials under any key. Advisory: the program runs
 * with them; the warning says how to encrypt (`pulumi config set --secret …`). Needs the stack
 * file's `config:` section in the context (the pack reads it; the plan passes it).
 */
import { plaintextSecretsIn } from "../../components/team/secrets";
import type { StackRule } from "../types";
import { stackUrn } from "./preflight";

export const configPlaintextSecrets: StackRule = {
  kind: "stack",
  id: "config-plaintext-secrets",
  description: "The stack file holds no secret in plain text (use pulumi config set --secret).",
  mirrors: "checkov CKV_SECRET_* (secrets in files), for Pulumi stack files",
  level: "advisory",
  check(resources, ctx) {
    const urn = stackUrn(resources);
    if (!urn || !ctx.stackConfig) return [];
    return plaintextSecretsIn(ctx.stackConfig).map((i) => ({ urn, message: `${i.path} ${i.message}` }));
  },
};
