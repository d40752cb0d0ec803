/**
 * Names in the spec that collide with each other or with the stacks: rules zod cannot say.
 * Each runs on possibly-invalid input (validate.ts hands it the raw spec when parsing failed),
 * so every access is guarded.
 */
import { showValue, type SpecIssue } from "./issues";

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Stack names the program gives a role rather than an environment: an environment is planned
 * and deployed as the stack of its own name, so one named `shared` would be the shared stack.
 */
export const RESERVED_ENVIRONMENT_NAMES = ["shared"] as const;

export function environmentNameIssues(environments: unknown[], root = "team"): SpecIssue[] {
  const issues: SpecIssue[] = [];
  environments.forEach((e, i) => {
    if (!isObject(e) || typeof e.name !== "string") return;
    if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(e.name.toLowerCase()))
      issues.push({
        path: `${root}.environments[${i}].name`,
        message: `${showValue(e.name)} is the shared stack's name (Pulumi.shared.yaml, role "shared"): the environment's stack would be the shared stack; pick another name`,
      });
  });
  return issues;
}

/**
 * `formerNames` are aliases: the repository keeps its history under the new name and AWS names
 * keep the first one (`stableServiceKey`). A former name that is another service's name or
 * former name makes two resources claim one URN (the plan stops with "duplicate URN", exit 3)
 * and two services share one registry.
 */
export function formerNameIssues(services: unknown[], root = "team"): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const owners = new Map<string, string>();
  services.forEach((s, i) => {
    if (isObject(s) && typeof s.name === "string" && !owners.has(s.name))
      owners.set(s.name, `${root}.services[${i}].name`);
  });
  services.forEach((s, i) => {
    if (!isObject(s)) return;
    list(s.formerNames).forEach((f, j) => {
      if (typeof f !== "string") return;
      const here = `${root}.services[${i}].formerNames[${j}]`;
      if (f === s.name) {
        issues.push({ path: here, message: `${showValue(f)} is this service's current name` });
        return;
      }
      const owner = owners.get(f);
      if (owner !== undefined) {
        issues.push({
          path: here,
          message: `${showValue(f)} is already used by ${owner} (a former name is an alias: two services would claim one repository and one registry)`,
        });
        return;
      }
      owners.set(f, here);
    });
  });
  return issues;
}

// A lone UTF-16 surrogate cannot be encoded as UTF-8; U+FFFD is what a decoder leaves where the
// file was not UTF-8; C0 controls other than tab, newline and carriage return (NUL above all)
// are refused by GitHub and AWS names and break YAML round trips.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function textProblem(s: string): string | undefined {
  if (s.includes("\u0000")) return "contains a NUL character (\\u0000)";
  const control = CONTROL.exec(s);
  if (control)
    return `contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  if (LONE_SURROGATE.test(s)) return "is not valid Unicode (a lone surrogate): it cannot be written as UTF-8";
  if (s.includes("\uFFFD"))
    return "contains U+FFFD, the mark a decoder leaves where text was not UTF-8: save the file as UTF-8";
  return undefined;
}

/** Every string (and key) of the raw spec that is not clean UTF-8 text, by key path. */
export function textIssues(raw: unknown, root = "team"): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) issues.push({ path, message: problem });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        const problem = textProblem(k);
        if (problem) issues.push({ path: `${path}.${JSON.stringify(k)}`, message: `key ${problem}` });
        walk(x, `${path}.${k}`);
      }
    }
  };
  walk(raw, root);
  return issues;
}

/**
 * Slugs the spec's pattern admits but the names built from them do not: ECR repository names
 * (`<team>/<service>`) allow a separator only between two letters or digits
 * (`[a-z0-9]+(?:[._-][a-z0-9]+)*`, ECR `CreateRepository`), and DNS labels (Kubernetes
 * namespaces, hostnames) end with a letter or digit. So no trailing "-" and no "--".
 */
export function nameShapeIssues(input: Loose, root = "team"): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const judge = (value: unknown, path: string) => {
    if (typeof value !== "string" || !/^[a-z][a-z0-9-]*$/.test(value)) return;
    if (value.endsWith("-") || value.includes("--"))
      issues.push({
        path,
        message: `${showValue(value)} ends with "-" or holds "--": ECR repository names and DNS labels built from it refuse that (one "-" between letters or digits)`,
      });
  };
  judge(input.name, `${root}.name`);
  list(input.services).forEach((s, i) => {
    if (!isObject(s)) return;
    judge(s.name, `${root}.services[${i}].name`);
    list(s.formerNames).forEach((f, j) => judge(f, `${root}.services[${i}].formerNames[${j}]`));
  });
  list(input.environments).forEach((e, i) => {
    if (isObject(e)) judge(e.name, `${root}.environments[${i}].name`);
  });
  return issues;
}
