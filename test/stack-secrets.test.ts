/**
 * Plain-text secrets in a stack file (`plaintextSecretsIn`, components/team/secrets.ts): the
 * warning names the key and the command that encrypts it, and never echoes the value.
 */
import { parse } from "yaml";
import * as fs from "fs";
import * as path from "path";
import { plaintextSecretsIn } from "../components/team";
import { REPO_ROOT } from "./fixtures";

describe("plaintextSecretsIn", () => {
  it("finds nothing in the reference stack files (their secrets are secure:)", () => {
    for (const file of fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
      const doc = parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
      expect({ file, found: plaintextSecretsIn(doc.config) }).toEqual({ file, found: [] });
    }
  });

  it("warns on a secret setting written in plain text, naming the encrypting command", () => {
    const token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    const found = plaintextSecretsIn({
      "delivery-workflow:role": "environment",
      "delivery-workflow:githubToken": token,
      "delivery-workflow:slackWebhookUrl": { secure: "AAABA..." },
    });
    expect(found).toEqual([
      {
        path: "delivery-workflow:githubToken",
        message:
          "is a secret written in plain text in the stack file; encrypt it: pulumi config set --secret delivery-workflow:githubToken <value> --stack <stack> (it replaces the plain-text line)",
      },
    ]);
    expect(JSON.stringify(found)).not.toContain(token);
  });

  it("warns on values shaped like credentials under any key, bare or namespaced", () => {
    const found = plaintextSecretsIn({
      sentryAuthToken: "abc",
      "aws:accessKey": "AKIAABCDEFGHIJKLMNOP",
      "delivery-workflow:notes": { nested: ["-----BEGIN OPENSSH PRIVATE KEY-----\nabc"] },
      "delivery-workflow:environment": "staging",
    });
    expect(found.map((f) => f.path)).toEqual([
      "delivery-workflow:sentryAuthToken",
      "aws:accessKey",
      "delivery-workflow:notes.nested[0]",
    ]);
    expect(found[1].message).toBe(
      "holds what looks like an AWS access key id in plain text in the stack file; encrypt it: pulumi config set --secret aws:accessKey <value> --stack <stack> (it replaces the plain-text line)",
    );
  });
});
