/**
 * Validation of the team spec: structure (zod) and the rules that relate fields to each other.
 * Every problem is collected and reported at once, each naming its key path and value.
 */
import type { z } from "zod";
import { keyPath, showValue, SpecError, type SpecIssue } from "./issues";
import { kubernetesIssues } from "./kubernetes";
import { environmentNameIssues, formerNameIssues, nameShapeIssues, textIssues } from "./collisions";
import { MODEL_SHAPES } from "./models";
import { previewIssues } from "./previews";
import { GITHUB_TEAM_PATTERN, teamSpecSchema, type TeamSpec } from "./schema";

export type ValidationResult = { ok: true; spec: TeamSpec } | { ok: false; issues: SpecIssue[] };

const ROOT = "team";

/** Validates a raw spec (as read from config) and applies defaults. Never throws. */
export function validateTeamSpec(raw: unknown): ValidationResult {
  const parsed = teamSpecSchema.safeParse(raw);
  const issues: SpecIssue[] = parsed.success ? [] : zodIssues(parsed.error.issues, raw);
  // Cross-field rules run on whatever parsed; on a broken spec they read the raw input
  // defensively so that every problem is still reported in one go.
  issues.push(...semanticIssues(parsed.success ? parsed.data : raw));
  if (issues.length > 0) return { ok: false, issues: dedupe(issues) };
  return { ok: true, spec: parsed.data as TeamSpec };
}

/** Like {@link validateTeamSpec} but throws a {@link SpecError} listing every problem. */
export function parseTeamSpec(raw: unknown): TeamSpec {
  const result = validateTeamSpec(raw);
  if (!result.ok) throw new SpecError(result.issues);
  return result.spec;
}

function zodIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({
          path: keyPath(ROOT, [...issue.path, key]),
          message: "is not a known key (check its spelling)",
        });
      }
      continue;
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch that got furthest rather than a bare "invalid input".
      const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
      out.push(...zodIssues(best, raw));
      continue;
    }
    const value = valueAt(raw, issue.path);
    const message =
      value === undefined && issue.code === "invalid_type"
        ? "is required"
        : `${showValue(value)} ${describe(issue, value)}`;
    out.push({ path: keyPath(ROOT, issue.path), message });
  }
  return out;
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${article(issue.expected)}`;
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v));
      const guess = typeof value === "string" ? closest(value, issue.values.map(String)) : undefined;
      const hint = guess ? `; did you mean "${guess}"?` : "";
      return options.length <= 6
        ? `must be one of ${options.join(", ")}${hint}`
        : `is not one of the ${options.length} known values${hint}`;
    }
    case "too_small":
      // A schema's own message ("must be at least 8: …") says why; zod's defaults never start so.
      if (issue.message.startsWith("must")) return issue.message;
      if (issue.origin === "array") return `must have at least ${issue.minimum} item(s)`;
      if (issue.origin === "string") return `must not be shorter than ${issue.minimum} character(s)`;
      return `must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.message.startsWith("must")) return issue.message;
      if (issue.origin === "array") return `must have at most ${issue.maximum} item(s)`;
      if (issue.origin === "string") return `must not be longer than ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    default:
      return issue.message.startsWith("must") ? issue.message : `is invalid: ${issue.message}`;
  }
}

/** The known value nearest to a typo, if it is near enough to be a likely meaning. */
function closest(typed: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(typed.length / 4)) + 1;
  for (const candidate of known) {
    const d = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function dedupe(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Cross-field rules. They read possibly-invalid input, so every access is guarded.

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function semanticIssues(input: unknown): SpecIssue[] {
  if (!isObject(input)) {
    return [{ path: ROOT, message: `${showValue(input)} must be an object (the team spec)` }];
  }
  const issues: SpecIssue[] = [];
  const owner = str(isObject(input.github) ? input.github.owner : undefined);
  const plan = str(isObject(input.github) ? input.github.plan : undefined) ?? "team";
  const model = str(input.branchModel) ?? "trunk";
  const people = isObject(input.people) ? input.people : {};
  const services = list(input.services);
  const environments = list(input.environments);

  // Names and ports must be unique: they become repository, stack and container names.
  duplicates(services, "name", "services", issues);
  duplicates(environments, "name", "environments", issues);
  duplicates(environments, "role", "environments", issues);
  // Ports may repeat: every release listens on its own loopback port behind the server's proxy.
  issues.push(...environmentNameIssues(environments, ROOT));
  issues.push(...formerNameIssues(services, ROOT));
  issues.push(...nameShapeIssues(input, ROOT));
  // Text that is not clean UTF-8 (NUL, control characters, lone surrogates, U+FFFD).
  issues.push(...textIssues(input, ROOT));

  // Team slugs must live in the spec's own organization.
  const principalLists: Array<[string, unknown]> = [
    ["people.maintainers", people.maintainers],
    ["people.reviewers", people.reviewers],
    ...services.map((s, i): [string, unknown] => [
      `services[${i}].owners`,
      isObject(s) ? s.owners : undefined,
    ]),
    ...environments.map((e, i): [string, unknown] => [
      `environments[${i}].requiredReviewers`,
      isObject(e) ? e.requiredReviewers : undefined,
    ]),
  ];
  if (owner) {
    for (const [path, value] of principalLists) {
      list(value).forEach((p, j) => {
        if (
          typeof p === "string" &&
          GITHUB_TEAM_PATTERN.test(p) &&
          p.split("/")[0].toLowerCase() !== owner.toLowerCase()
        ) {
          issues.push({
            path: `${ROOT}.${path}[${j}]`,
            message: `${showValue(p)} names a team outside the organization ${showValue(owner)}`,
          });
        }
      });
    }
  }

  services.forEach((s, i) => {
    if (!isObject(s)) return;
    if (s.visibility === "internal" && plan !== "enterprise") {
      issues.push({
        path: `${ROOT}.services[${i}].visibility`,
        message: `"internal" exists only on GitHub Enterprise (team.github.plan is ${showValue(plan)})`,
      });
    }
    // Configuration is per environment: every key must name one of the spec's environments.
    if (isObject(s.env)) {
      const names = new Set(environments.map((e) => (isObject(e) ? str(e.name) : undefined)));
      for (const envName of Object.keys(s.env)) {
        if (!names.has(envName)) {
          issues.push({
            path: `${ROOT}.services[${i}].env.${envName}`,
            message: `${showValue(envName)} is not an environment of the team (known: ${[...names].filter(Boolean).join(", ")})`,
          });
        }
      }
    }
    const commands = isObject(s.commands) ? s.commands : {};
    if (s.language === "generic") {
      for (const cmd of ["lint", "test"] as const) {
        if (typeof commands[cmd] !== "string") {
          issues.push({
            path: `${ROOT}.services[${i}].commands.${cmd}`,
            message: `is required when language is "generic" (there is no preset to fall back on)`,
          });
        }
      }
    }
  });

  const shape = MODEL_SHAPES[model as keyof typeof MODEL_SHAPES];
  const roles = new Set(environments.map((e) => (isObject(e) ? str(e.role) : undefined)));
  const privateServices = services
    .filter((s) => isObject(s) && s.visibility !== "public")
    .map((s) => (isObject(s) ? str(s.name) : undefined) ?? "?");

  if (plan === "free" && privateServices.length > 0) {
    issues.push({
      path: `${ROOT}.github.plan`,
      message: `"free" cannot enforce rulesets or environments on private repositories (${privateServices.join(", ")}); use "pro", "team" or "enterprise", or make them public`,
    });
  }

  environments.forEach((e, i) => {
    if (!isObject(e)) return;
    const role = str(e.role);
    const here = `${ROOT}.environments[${i}]`;
    if (shape && role && !shape.roles.includes(role as never)) {
      issues.push({
        path: `${here}.role`,
        message: `${showValue(role)} cannot be deployed by branch model ${showValue(model)} (it deploys to: ${shape.roles.join(", ")})`,
      });
    }
    const source = shape && role ? shape.promotesFrom[role as keyof typeof shape.promotesFrom] : undefined;
    if (source && !roles.has(source)) {
      issues.push({
        path: `${here}.role`,
        message: `${showValue(role)} promotes what the ${source} environment released under ${showValue(model)}; add an environment with role "${source}"`,
      });
    }
    if (role === "production") {
      if (Array.isArray(e.requiredReviewers) && e.requiredReviewers.length === 0) {
        issues.push({
          path: `${here}.requiredReviewers`,
          message:
            "[] leaves production without an approver; name at least one reviewer or omit the key to use the maintainers",
        });
      }
      if (e.requiredReviewers === undefined && list(people.maintainers).length > 6) {
        issues.push({
          path: `${ROOT}.people.maintainers`,
          message: `names ${list(people.maintainers).length} people, but production's reviewers default to the maintainers and GitHub allows at most 6; set ${here}.requiredReviewers`,
        });
      }
      if (e.requiredApprovals === 0) {
        issues.push({
          path: `${here}.requiredApprovals`,
          message: "0 would let unreviewed code reach production; use 1 or more",
        });
      }
    }
    // GitHub enforces reviewers and wait timers on private repositories only on Enterprise.
    const hasReviewers =
      role === "production"
        ? e.requiredReviewers !== undefined || list(people.maintainers).length > 0
        : list(e.requiredReviewers).length > 0;
    const waits = typeof e.waitTimerMinutes === "number" && e.waitTimerMinutes > 0;
    if (plan !== "enterprise" && privateServices.length > 0 && (hasReviewers || waits)) {
      issues.push({
        path: `${here}.${hasReviewers ? "requiredReviewers" : "waitTimerMinutes"}`,
        message: `GitHub plan ${showValue(plan)} cannot enforce environment ${hasReviewers ? "reviewers" : "wait timers"} on private repositories (${privateServices.join(", ")}); set team.github.plan to "enterprise" or make the services public`,
      });
    }
  });

  issues.push(...kubernetesIssues(input, ROOT));
  issues.push(...previewIssues(input));
  return issues;
}

function duplicates(
  items: unknown[],
  key: string,
  where: string,
  issues: SpecIssue[],
  label = key,
  why = "names must be unique",
): void {
  const first = new Map<unknown, number>();
  items.forEach((item, i) => {
    if (!isObject(item)) return;
    const value = item[key];
    if (value === undefined) return;
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, i);
      return;
    }
    issues.push({
      path: `${ROOT}.${where}[${i}].${key}`,
      message: `${showValue(value)} is already used by ${ROOT}.${where}[${earlier}] (${label}: ${why})`,
    });
  });
}
