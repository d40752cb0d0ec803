/**
 * kubernetes-object-names — the API server refuses objects whose names break Kubernetes' name
 * rules ("Object Names and IDs", https://kubernetes.io/docs/concepts/overview/working-with-objects/names/,
 * read through the search tool): most kinds need a DNS subdomain name (≤ 253 characters of
 * lowercase alphanumerics, `-` and `.`, starting and ending alphanumeric); namespaces need an
 * RFC 1123 label (≤ 63, no `.`), services an RFC 1035 label (≤ 63, starting with a letter). A
 * name built from the team's and the environment's names (`<team>-<environment>`, up to 79
 * characters from two 39-character slugs) can pass the spec and fail here. Judged on
 * `metadata.name` and `metadata.namespace` of every `kubernetes:*` resource that sets them
 * (auto-named objects are not judged: their suffix is the provider's). Mandatory.
 */
import type { CheckedResource, Finding, RuleContext, StackRule } from "../types";
import { fromKeys } from "./preflight";
import { obj, str } from "./util";

const LABEL_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function rule(type: string): { what: string; max: number; pattern: RegExp } {
  if (type === "kubernetes:core/v1:Namespace")
    return { what: "an RFC 1123 label", max: 63, pattern: LABEL_1123 };
  if (type === "kubernetes:core/v1:Service")
    return { what: "an RFC 1035 label", max: 63, pattern: LABEL_1035 };
  return { what: "a DNS subdomain name", max: 253, pattern: SUBDOMAIN };
}

function judgeOne(r: CheckedResource, ctx: RuleContext): string[] {
  const meta = obj(r.inputs.metadata);
  const out: string[] = [];
  const judge = (
    value: string | undefined,
    field: string,
    limit: { what: string; max: number; pattern: RegExp },
  ) => {
    if (value === undefined) return;
    if (value.length > limit.max || !limit.pattern.test(value))
      out.push(
        `metadata.${field} ${JSON.stringify(value)} (${value.length} characters) must be ${limit.what} of at most ${limit.max}: ` +
          `lowercase letters, digits and "-"${limit.max === 253 ? ' or "."' : ""}${fromKeys(value, ctx)}`,
      );
  };
  judge(str(meta?.name), "name", rule(r.type));
  judge(str(meta?.namespace), "namespace", rule("kubernetes:core/v1:Namespace"));
  return out;
}

export const kubernetesObjectNames: StackRule = {
  kind: "stack",
  id: "kubernetes-object-names",
  description:
    "Kubernetes object names and namespaces follow the API server's DNS name rules (63 or 253 characters).",
  mirrors: "Kubernetes object name validation (preflight)",
  level: "mandatory",
  check(resources, ctx) {
    const findings: Finding[] = [];
    for (const r of resources) {
      if (!r.custom || !r.type.startsWith("kubernetes:")) continue;
      findings.push(...judgeOne(r, ctx).map((message) => ({ urn: r.urn, message })));
    }
    return findings;
  },
};
