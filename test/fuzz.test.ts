/**
 * Hostile and broken team specs, generated: valid ones and corrupted ones (wrong types, missing
 * keys, unknown keys, duplicates, huge lists, unicode, empty strings). Validation and the program
 * never crash with a stack trace; every rejection names at least one key path under `team`;
 * every accepted spec plans (shared stack and one environment stack) without error and with no
 * mandatory policy violation.
 */
import fc from "fast-check";
import { BRANCH_MODELS, MODEL_SHAPES, validateTeamSpec, type SpecIssue } from "../components/team";
import { planOutcome } from "./guardrails-support";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---------------------------------------------------------------------------------------------
// Valid specs.

const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const login = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
const text = fc.string({ maxLength: 30, unit: "grapheme" });

const service = fc.record({
  name: slug,
  description: text,
  language: fc.constantFrom("node", "python", "go"),
  port: fc.integer({ min: 1024, max: 65535 }),
  visibility: fc.constantFrom("private", "internal", "public"),
  topics: fc.uniqueArray(slug, { maxLength: 3 }),
});

const validSpec = fc
  .record({
    name: slug,
    owner: login,
    maintainers: fc.uniqueArray(login, { minLength: 1, maxLength: 3 }),
    approvals: fc.integer({ min: 1, max: 3 }),
    model: fc.constantFrom(...BRANCH_MODELS),
    services: fc.uniqueArray(service, { minLength: 1, maxLength: 3, selector: (s) => s.name }),
    envNames: fc.uniqueArray(slug, { minLength: 3, maxLength: 3 }),
    renameEnvs: fc.boolean(),
  })
  .map(({ name, owner, maintainers, approvals, model, services, envNames, renameEnvs }): Json => ({
    name,
    github: { owner, plan: "enterprise" },
    aws: { region: "eu-west-1" },
    people: { maintainers, requiredApprovals: approvals },
    branchModel: model,
    services,
    environments: MODEL_SHAPES[model].roles.map((role, i) => ({
      name: renameEnvs ? envNames[i] : role,
      role,
    })),
  }));

// ---------------------------------------------------------------------------------------------
// Corruptions, applied at a path chosen among the spec's own paths.

type Path = (string | number)[];

function paths(v: Json, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v && typeof v === "object")
    return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return here;
}

function getAt(v: Json, p: Path): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of p)
    cur = cur && typeof cur === "object" ? (cur as Record<string | number, Json>)[k] : undefined;
  return cur;
}

function setAt(root: Json, p: Path, value: Json | undefined): Json {
  if (p.length === 0) return value === undefined ? null : value;
  const copy = structuredClone(root);
  const parent = getAt(copy, p.slice(0, -1));
  if (!parent || typeof parent !== "object") return copy;
  const key = p[p.length - 1];
  if (Array.isArray(parent) && typeof key === "number") {
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (!Array.isArray(parent)) {
    if (value === undefined) delete parent[key as string];
    else parent[key as string] = value;
  }
  return copy;
}

const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: false }) as fc.Arbitrary<Json>,
  fc.boolean(),
  fc.constant(null),
  fc.constant(""),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom("cårt-ápi", "🚀", "a b", "-", "UPPER", "x".repeat(400), "../../etc", "main\u0000"),
  fc.array(fc.integer(), { maxLength: 3 }) as fc.Arbitrary<Json>,
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }) as fc.Arbitrary<Json>,
);

const corruption = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: wrongValue }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("unknown-key" as const),
    pick: fc.nat(),
    key: fc.constantFrom("nmae", "servces", "extra", "__proto__x", "régión"),
  }),
  fc.record({ kind: fc.constant("duplicate" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("huge" as const), pick: fc.nat(), size: fc.constantFrom(21, 101, 501) }),
);
type Corruption = typeof corruption extends fc.Arbitrary<infer C> ? C : never;

function corrupt(spec: Json, c: Corruption): Json {
  const all = paths(spec);
  const p = all[c.pick % all.length];
  switch (c.kind) {
    case "set":
      return setAt(spec, p, c.value);
    case "delete":
      return p.length === 0 ? spec : setAt(spec, p, undefined);
    case "unknown-key": {
      const objects = all.filter((q) => {
        const t = getAt(spec, q);
        return !!t && typeof t === "object" && !Array.isArray(t);
      });
      // An earlier corruption may have replaced the whole spec with a scalar.
      if (objects.length === 0) return spec;
      const q = objects[c.pick % objects.length];
      return setAt(spec, [...q, c.key], "surprise");
    }
    case "duplicate": {
      const arrays = all.filter(
        (q) => Array.isArray(getAt(spec, q)) && (getAt(spec, q) as Json[]).length > 0,
      );
      if (arrays.length === 0) return spec;
      const q = arrays[c.pick % arrays.length];
      const list = getAt(spec, q) as Json[];
      return setAt(spec, q, [...list, structuredClone(list[0])]);
    }
    case "huge": {
      const arrays = all.filter(
        (q) => Array.isArray(getAt(spec, q)) && (getAt(spec, q) as Json[]).length > 0,
      );
      if (arrays.length === 0) return spec;
      const q = arrays[c.pick % arrays.length];
      const list = getAt(spec, q) as Json[];
      return setAt(
        spec,
        q,
        Array.from({ length: c.size }, (_, i) => structuredClone(list[i % list.length])),
      );
    }
  }
}

const anySpec = fc
  .tuple(validSpec, fc.array(corruption, { maxLength: 3 }))
  .map(([spec, cs]) => cs.reduce<Json>((s, c) => corrupt(s, c), spec));

// ---------------------------------------------------------------------------------------------

// A key inside the spec (`team.services[0].name`), or the config key itself when the spec is no
// mapping at all (`delivery-workflow:team: must be an object`).
const KEY_PATH = /^(team|delivery-workflow:team)(\.|\[|$)/;
const STACK_TRACE = /\n\s+at .+:\d+:\d+/;

function expectNamedIssues(issues: readonly SpecIssue[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.path).toMatch(KEY_PATH);
    expect(typeof issue.message).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

describe("fuzzed team specs", () => {
  it("validation never throws; every rejection names a key path under team", () => {
    fc.assert(
      fc.property(anySpec, (spec) => {
        const result = validateTeamSpec(spec);
        if (!result.ok) expectNamedIssues(result.issues);
      }),
      { numRuns: 400 },
    );
  });

  it("validation rejects garbage at the top level with a path", () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const result = validateTeamSpec(raw);
        expect(result.ok).toBe(false);
        if (!result.ok) expectNamedIssues(result.issues);
      }),
      { numRuns: 200 },
    );
  });

  it("the program plans every accepted spec and refuses every rejected one with its key paths", async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(anySpec, async (spec) => {
        const result = validateTeamSpec(spec);
        const env = result.ok
          ? result.spec.environments[result.spec.environments.length - 1].name
          : "staging";
        const stacks = ["shared", "staging"];
        const config = { staging: { environment: env } };
        const outcome = await planOutcome({ stacks, team: spec, config });
        if (!outcome.ok) {
          // Anything but a config error is a crash, whatever the spec.
          expect({ error: outcome.error.stack, configError: outcome.issues !== undefined }).toMatchObject({
            configError: true,
          });
          expect(result.ok).toBe(false);
          expectNamedIssues(outcome.issues!.filter((i) => KEY_PATH.test(i.path)));
          expect(outcome.error.message).not.toMatch(STACK_TRACE);
          rejected++;
          return;
        }
        expect(result.ok).toBe(true);
        accepted++;
        const plans = outcome.plans;
        for (const plan of plans) {
          const mandatory = plan.policy.violations.filter((v) => v.level === "mandatory");
          expect({ stack: plan.stack, mandatory }).toEqual({ stack: plan.stack, mandatory: [] });
        }
      }),
      { numRuns: 40 },
    );
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
