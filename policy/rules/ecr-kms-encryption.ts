/**
 * ecr-kms-encryption — images encrypted with a customer-chosen KMS key can be audited and
 * revoked; the AES256 default is encrypted but not under the team's control. Mirrors checkov
 * CKV_AWS_136. Advisory (AES256 is the cheap, accepted default).
 */
import type { ResourceRule } from "../types";
import { arr, isUnknown, obj, show, T } from "./util";

export const ecrKmsEncryption: ResourceRule = {
  kind: "resource",
  id: "ecr-kms-encryption",
  description: "ECR repositories are encrypted with KMS; AES256 (the default) is reported as advice.",
  mirrors: "checkov CKV_AWS_136",
  level: "advisory",
  types: [T.ecrRepository],
  check(r) {
    const configs = r.inputs.encryptionConfigurations;
    if (isUnknown(configs)) return [];
    const type = obj(arr(configs)[0])?.encryptionType;
    if (isUnknown(type) || type === "KMS" || type === "KMS_DSSE") return [];
    return [
      `encryptionConfigurations[0].encryptionType is ${type === undefined ? "unset (AES256)" : show(type)}; ` +
        "set team.registry.kmsKeyArn to encrypt images with a KMS key",
    ];
  },
};
