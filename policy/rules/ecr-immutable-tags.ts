/**
 * ecr-immutable-tags — a pushed tag must always name the same image, or a release tag could be
 * repointed after it was approved. Mirrors checkov CKV_AWS_51. Mandatory.
 */
import type { ResourceRule } from "../types";
import { isUnknown, show, T } from "./util";

export const ecrImmutableTags: ResourceRule = {
  kind: "resource",
  id: "ecr-immutable-tags",
  description: "ECR image tags are immutable, so a release tag always names the image that was approved.",
  mirrors: "checkov CKV_AWS_51",
  level: "mandatory",
  types: [T.ecrRepository],
  check(r) {
    const v = r.inputs.imageTagMutability;
    if (isUnknown(v) || v === "IMMUTABLE") return [];
    // Exclusion filters re-open mutability for the tags they match: not immutable.
    return [
      `imageTagMutability is ${v === undefined ? "unset (AWS default MUTABLE)" : show(v)}; set "IMMUTABLE"`,
    ];
  },
};
