import { configPlaintextSecrets as rule } from "./config-plaintext-secrets";
import { contextFromProjectFiles } from "../context";
import { messages, res } from "../testing";

const stack = res("pulumi:pulumi:Stack", {}, { name: "delivery-workflow-staging", stack: "staging" });

describe(rule.id, () => {
  it("passes a stack file whose secrets are secure:", () => {
    const ctx = contextFromProjectFiles({
      stack:
        "config:\n  delivery-workflow:role: environment\n  delivery-workflow:githubToken:\n    secure: AAABAC==\n",
    });
    expect(messages(rule, [stack], ctx)).toEqual([]);
  });
  it("warns on a token in plain text, read from the stack file as the pack reads it", () => {
    const ctx = contextFromProjectFiles({
      stack: "config:\n  delivery-workflow:sentryAuthToken: sntrys_abcdefghijklmnopqrstuvwxyz0123\n",
    });
    expect(messages(rule, [stack], ctx)).toEqual([
      "delivery-workflow:sentryAuthToken is a secret written in plain text in the stack file; encrypt it: pulumi config set --secret delivery-workflow:sentryAuthToken <value> --stack <stack> (it replaces the plain-text line)",
    ]);
  });
  it("reads the declared App permissions from the stack file", () => {
    const ctx = contextFromProjectFiles({
      stack:
        "config:\n  delivery-workflow:githubAppPermissions:\n    administration: write\n    contents: read\n",
    });
    expect(ctx.githubAppPermissions).toEqual({ administration: "write", contents: "read" });
  });
});
