import { githubNoPlaintextSecrets as rule } from "./github-no-plaintext-secrets";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes a secret value (shown as [secret] by the plan) and an encrypted value", () => {
    expect(
      messages(rule, [res(T.ghEnvironmentSecret, { secretName: "SLACK_WEBHOOK_URL", value: "[secret]" })]),
    ).toEqual([]);
    expect(messages(rule, [res(T.ghSecret, { secretName: "X", encryptedValue: "c2VhbGVk" })])).toEqual([]);
  });
  it("fires on plaintextValue (CKV_GIT_4), even when secret", () => {
    for (const type of [T.ghSecret, T.ghEnvironmentSecret, T.ghOrganizationSecret, T.ghDependabotSecret]) {
      expect(messages(rule, [res(type, { secretName: "X", plaintextValue: "[secret]" })])).toEqual([
        "plaintextValue is set; use `value` with a Pulumi secret (pulumi config set --secret)",
      ]);
    }
  });
  it("fires on a value that is not a Pulumi secret, where the engine shows secrets", () => {
    const plain = res(T.ghEnvironmentSecret, {
      secretName: "X",
      value: "https://hooks.slack.com/services/T/B/x",
    });
    expect(messages(rule, [plain])).toEqual([expect.stringMatching(/value is not a Pulumi secret/)]);
    const dependabot = res(T.ghDependabotSecret, { secretName: "SONAR_TOKEN", value: "squ_plain" });
    expect(messages(rule, [dependabot])).toEqual([expect.stringMatching(/value is not a Pulumi secret/)]);
    // The real policy engine unwraps secrets: it cannot tell, so it does not guess.
    expect(messages(rule, [plain], { secretsMarked: false })).toEqual([]);
  });
});
