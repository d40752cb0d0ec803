/**
 * Shared by the preflight rules: the limits and refusals of the real APIs (AWS, GitHub), checked
 * before `pulumi up` meets them. Each rule file cites where its limit comes from; this module
 * only helps a message say which team-spec key to change.
 */
import type { CheckedResource, RuleContext } from "../types";

/** Characters of `s` that IAM counts against its size quotas: it does not count white space. */
export function nonWhitespaceLength(s: string): number {
  return s.replace(/\s/g, "").length;
}

/** `1234567` → `1,234,567`, as AWS's documentation writes its quotas. */
export function n(value: number): string {
  return value.toLocaleString("en-US");
}

const SEPARATORS = "-/_.";

/**
 * Whether `word` occurs in `text` as whole separator-delimited words. By index, not by a regular
 * expression per word: rules ask it of every resource for every service, and a 300-service team
 * compiled millions of them.
 */
function hasWord(text: string, word: string): boolean {
  if (word === "") return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const end = at + word.length;
    if (
      (at === 0 || SEPARATORS.includes(text[at - 1])) &&
      (end === text.length || SEPARATORS.includes(text[end]))
    )
      return true;
  }
  return false;
}

/**
 * The team-spec keys whose values make up `text` (a resource's name, path or tag): the team's
 * name, a service's name, an environment's name, matched as whole dash/slash-separated words.
 * A message that names them tells a reader what to shorten or rename.
 */
export function specKeysIn(text: string, ctx: RuleContext): string[] {
  const spec = ctx.spec;
  if (!spec) return [];
  const has = (word: string) => hasWord(text, word);
  const keys: string[] = [];
  if (has(spec.name)) keys.push("team.name");
  spec.environments.forEach((e, i) => {
    if (has(e.name)) keys.push(`team.environments[${i}].name`);
  });
  spec.services.forEach((s, i) => {
    if (has(s.name)) keys.push(`team.services[${i}].name`);
    s.formerNames.forEach((f, j) => {
      if (has(f)) keys.push(`team.services[${i}].formerNames[${j}]`);
    });
  });
  return keys;
}

/** "(from team.name, team.services[3].name)" or "" when nothing in the spec names it. */
export function fromKeys(text: string, ctx: RuleContext): string {
  const keys = specKeysIn(text, ctx);
  return keys.length > 0 ? ` (from ${keys.join(", ")})` : "";
}

/** `team.environments[i]` of the environment this stack provisions, when known. */
export function environmentKey(ctx: RuleContext): string | undefined {
  const i = ctx.spec?.environments.findIndex((e) => e.name === ctx.environment) ?? -1;
  return i >= 0 ? `team.environments[${i}]` : undefined;
}

/** "team.services (12 services)": the key that grows a per-team list, with its size. */
export function servicesKey(ctx: RuleContext): string {
  const count = ctx.spec?.services.length;
  return count === undefined ? "team.services" : `team.services (${count} service${count === 1 ? "" : "s"})`;
}

/** Where a stack-wide finding is reported: the stack itself, else the first resource. */
export function stackUrn(resources: readonly CheckedResource[]): string | undefined {
  return (resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? resources[0])?.urn;
}

/**
 * The physical name a bridged Pulumi provider gives a resource whose `name` input is not set:
 * the resource's logical name, "-" and 7 random hex characters (pulumi-terraform-bridge
 * `pkg/tfbridge/names.go`, `AutoName`: `Separator: "-"`, `Randlen: 7`; read through the search
 * tool). With `namePrefix`, Terraform appends a 26-character unique id instead
 * (terraform-plugin-sdk `id.UniqueId`). Assumes Pulumi's default autonaming: a project that
 * sets `pulumi:autonaming` (a pattern, or `mode: verbatim`) changes the suffix, which the rules
 * cannot see. Returns the name and whether it was generated.
 */
export function physicalName(
  r: CheckedResource,
): { name: string; length: number; generated: "no" | "auto" | "prefix" } | undefined {
  const explicit = r.inputs.name;
  if (typeof explicit === "string") {
    if (explicit === "[unknown]" || explicit === "[secret]") return undefined;
    return { name: explicit, length: explicit.length, generated: "no" };
  }
  const prefix = r.inputs.namePrefix;
  if (typeof prefix === "string")
    return { name: `${prefix}…`, length: prefix.length + 26, generated: "prefix" };
  return { name: `${r.name}-xxxxxxx`, length: r.name.length + 8, generated: "auto" };
}
