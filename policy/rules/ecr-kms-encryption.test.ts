import { ecrKmsEncryption as rule } from "./ecr-kms-encryption";
import { res, run } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes KMS encryption", () => {
    const r = res(T.ecrRepository, {
      encryptionConfigurations: [
        { encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/abc" },
      ],
    });
    expect(run(rule, [r])).toEqual([]);
  });
  it("advises on AES256 and on the unset default", () => {
    for (const inputs of [{ encryptionConfigurations: [{ encryptionType: "AES256" }] }, {}]) {
      const found = run(rule, [res(T.ecrRepository, inputs)]);
      expect(found).toHaveLength(1);
      expect(found[0].level).toBe("advisory");
      expect(found[0].message).toMatch(/kmsKeyArn/);
    }
  });
});
