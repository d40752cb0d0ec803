/**
 * aws-tag-limits — AWS refuses more than 50 user tags on a resource, keys over 128 and values
 * over 256 Unicode characters, and keys or values prefixed `aws:` (reserved). The provider's
 * `defaultTags` are merged into every resource's tags, so they count too. Source: the tag
 * restrictions AWS repeats for every taggable service, e.g.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html ("Maximum number of
 * tags per resource - 50 … Maximum key length - 128 Unicode characters in UTF-8 … Maximum value
 * length - 256 … Do not use aws:, AWS:, … as a prefix"). Judged on every `aws:*` resource with
 * `tags`, with its explicit provider's `defaultTags` when the stack holds that provider.
 * Mandatory.
 */
import type { CheckedResource, Finding, StackRule } from "../types";
import { fromKeys } from "./preflight";
import { obj } from "./util";

const MAX_TAGS = 50;
const KEY_MAX = 128;
const VALUE_MAX = 256;

function defaultTagsOf(provider: CheckedResource | undefined): Record<string, unknown> {
  let raw: unknown = provider?.inputs.defaultTags;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  return obj(obj(raw)?.tags) ?? {};
}

export const awsTagLimits: StackRule = {
  kind: "stack",
  id: "aws-tag-limits",
  description:
    "AWS resources carry at most 50 tags (provider default tags included), keys ≤ 128, values ≤ 256, no aws: prefix.",
  mirrors: "AWS tagging restrictions (preflight)",
  level: "mandatory",
  check(resources, ctx) {
    const providers = resources.filter((r) => r.type === "pulumi:providers:aws");
    // Without provider URNs on the resources (the plan's contract has them; the rule's input does
    // not), a stack with one AWS provider applies its default tags to every AWS resource.
    const defaults = providers.length === 1 ? defaultTagsOf(providers[0]) : {};
    const findings: Finding[] = [];
    for (const r of resources) {
      if (!r.type.startsWith("aws:") || !r.custom) continue;
      const own = obj(r.inputs.tags);
      if (!own && Object.keys(defaults).length === 0) continue;
      const tags = { ...defaults, ...(own ?? {}) };
      const user = Object.keys(tags).filter((k) => !/^aws:/i.test(k));
      const out: string[] = [];
      if (user.length > MAX_TAGS)
        out.push(
          `has ${user.length} tags (provider defaultTags included); AWS allows ${MAX_TAGS} per resource`,
        );
      for (const [k, v] of Object.entries(own ?? {})) {
        const value = typeof v === "string" ? v : "";
        if ([...k].length > KEY_MAX)
          out.push(`tag key ${JSON.stringify(k.slice(0, 40))}… is over ${KEY_MAX} characters`);
        if ([...value].length > VALUE_MAX)
          out.push(
            `tag ${k} is ${[...value].length} characters; AWS allows ${VALUE_MAX}${fromKeys(value, ctx)}`,
          );
        if (/^aws:/i.test(k) || /^aws:/i.test(value)) out.push(`tag ${k} uses the reserved aws: prefix`);
      }
      findings.push(...out.map((message) => ({ urn: r.urn, message })));
    }
    return findings;
  },
};
