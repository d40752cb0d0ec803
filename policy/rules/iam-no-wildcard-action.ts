/**
 * iam-no-wildcard-action — `*` (or `service:*`) grants every present and future action,
 * including the ones that escalate privilege. Mirrors checkov CKV_AWS_49 (policy documents) and
 * CKV_AWS_63 (inline policies). Mandatory. `NotAction` in an Allow statement is a wildcard too.
 */
import type { ResourceRule } from "../types";
import { parseDocument, permissionDocuments, PERMISSION_TYPES, where } from "./util";

const WILDCARD = /^(\*|[A-Za-z0-9-]+:\*)$/;

export const iamNoWildcardAction: ResourceRule = {
  kind: "resource",
  id: "iam-no-wildcard-action",
  description: "IAM permission policies allow no `*` or `service:*` action and use no Allow + NotAction.",
  mirrors: "checkov CKV_AWS_49, CKV_AWS_63",
  level: "mandatory",
  types: PERMISSION_TYPES,
  check(r) {
    return permissionDocuments(r).flatMap(({ path, doc }) => {
      const parsed = parseDocument(doc);
      if (!parsed.ok) return parsed.reason === "invalid" ? [`${path} is not a JSON policy document`] : [];
      return parsed.statements
        .filter((s) => s.effect === "Allow")
        .flatMap((s) => {
          const out: string[] = [];
          const wild = s.actions.filter((a) => WILDCARD.test(a));
          if (wild.length > 0)
            out.push(`${path} ${where(s)} allows action ${wild.map((a) => `"${a}"`).join(", ")}`);
          if (s.notActions.length > 0) out.push(`${path} ${where(s)} uses NotAction in an Allow statement`);
          return out;
        });
    });
  },
};
