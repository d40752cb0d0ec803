/**
 * The registry's lifecycle policy, applied by a small simulator of ECR's documented semantics to
 * sample images of every kind the pipeline makes, with ages:
 *  - rules apply in `rulePriority` order;
 *  - an image matched by a rule's tag selection is never expired by a lower-priority rule (that
 *    rule may still count it, "identify it as if it had not been expired");
 *  - `tagPrefixList` / `tagPatternList` select an image when every entry matches one of its tags;
 *    a pattern's `*` matches any run of characters, over the whole tag;
 *  - `imageCountMoreThan` keeps the newest N by push time; `sinceImagePushed` expires images
 *    pushed more than N days ago. Push time is the first push: a later tag does not reset it.
 */
import fc from "fast-check";
import {
  BOOTSTRAP_IMAGE_TAG_PREFIX,
  ecrTagPattern,
  lifecyclePolicy,
  type LifecyclePolicyDocument,
} from "../components/aws";
import {
  BUILD_IMAGE_TAG_PREFIX,
  fnmatch,
  RC_TAG,
  RELEASE_TAG,
  RELEASED_IMAGE_TAG_PREFIX,
  releasePolicy,
  RUNNING_IMAGES_KEPT,
  runningImageTag,
  runningImageTagPrefix,
} from "../components/release";
import { parseTeamSpec } from "../components/team";
import { referenceTeam } from "./aws-fixtures";

const spec = parseTeamSpec(referenceTeam());
const policy = releasePolicy(spec);
const stagingBranch = releasePolicy(
  parseTeamSpec({
    ...referenceTeam(),
    branchModel: "staging-branch",
    environments: [
      { name: "staging", role: "staging" },
      { name: "production", role: "production" },
    ],
  }),
);

// ---------------------------------------------------------------------------------------------
// The simulator.

interface Image {
  readonly name: string;
  readonly tags: readonly string[];
  /** Days since the image was first pushed. */
  readonly age: number;
}

function ecrPatternMatches(pattern: string, tag: string): boolean {
  const body = pattern
    .split("*")
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`).test(tag);
}

function selects(rule: LifecyclePolicyDocument["rules"][number], image: Image): boolean {
  const s = rule.selection;
  if (s.tagStatus === "untagged") return image.tags.length === 0;
  if (image.tags.length === 0) return false;
  const prefixes = s.tagPrefixList ?? [];
  const patterns = s.tagPatternList ?? [];
  return (
    prefixes.every((p) => image.tags.some((t) => t.startsWith(p))) &&
    patterns.every((p) => image.tags.some((t) => ecrPatternMatches(p, t)))
  );
}

/** The names of the images one lifecycle run expires. */
function expired(doc: LifecyclePolicyDocument, images: readonly Image[]): Set<string> {
  const claimed = new Set<string>();
  const gone = new Set<string>();
  for (const rule of [...doc.rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const selected = images.filter((i) => selects(rule, i));
    const s = rule.selection;
    const candidates =
      s.countType === "imageCountMoreThan"
        ? [...selected].sort((a, b) => a.age - b.age).slice(s.countNumber)
        : selected.filter((i) => i.age > s.countNumber);
    for (const i of candidates) if (!claimed.has(i.name)) gone.add(i.name);
    for (const i of selected) claimed.add(i.name);
  }
  return gone;
}

const survivors = (doc: LifecyclePolicyDocument, images: readonly Image[]) => {
  const gone = expired(doc, images);
  return images.filter((i) => !gone.has(i.name)).map((i) => i.name);
};

// ---------------------------------------------------------------------------------------------
// Sample images, as the pipeline tags them.

const sha = (n: number) => `${BUILD_IMAGE_TAG_PREFIX}${n.toString(16).padStart(40, "0")}`;
const build = (name: string, n: number, age: number): Image => ({ name, tags: [sha(n)], age });
const rc = (name: string, version: string, n: number, age: number): Image => ({
  name,
  tags: [sha(n), `${version}-rc.1`],
  age,
});
/** Trunk: promoted from an rc, re-tagged vX.Y.Z, marked once production ran it. */
const released = (name: string, version: string, n: number, age: number): Image => ({
  name,
  tags: [sha(n), `${version}-rc.1`, version, `${RELEASED_IMAGE_TAG_PREFIX}${version}`],
  age,
});
/** Trunk: re-tagged vX.Y.Z, but production's health check failed: never marked. */
const failedRelease = (name: string, version: string, n: number, age: number): Image => ({
  name,
  tags: [sha(n), `${version}-rc.1`, version],
  age,
});
const bootstrap = (age: number): Image => ({
  name: "bootstrap",
  tags: [`${BOOTSTRAP_IMAGE_TAG_PREFIX}0123456789ab`],
  age,
});

const settings = {
  ...spec.registry,
  releaseImagesKept: 3,
  rcImageDays: 10,
  buildImageDays: 5,
  untaggedImageDays: 1,
};

describe("lifecycle policy: the rules", () => {
  const doc = lifecyclePolicy(policy, spec.registry);

  it("keeps released images by the marker prefix, then what each environment runs, then rc, build and untagged by age", () => {
    expect(doc.rules.map((r) => r.rulePriority)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(doc.rules.slice(1, 4).map((r) => r.selection)).toEqual(
      ["integration", "staging", "production"].map((env) => ({
        tagStatus: "tagged",
        tagPrefixList: [runningImageTagPrefix(env)],
        countType: "imageCountMoreThan",
        countNumber: RUNNING_IMAGES_KEPT,
      })),
    );
    const rules = [doc.rules[0], ...doc.rules.slice(4)];
    expect(rules[0].selection).toEqual({
      tagStatus: "tagged",
      tagPrefixList: [RELEASED_IMAGE_TAG_PREFIX],
      countType: "imageCountMoreThan",
      countNumber: 30,
    });
    expect(rules[1].selection).toEqual({
      tagStatus: "tagged",
      tagPatternList: ["v*.*.*-rc.*"],
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: 30,
    });
    expect(rules[2].selection).toEqual({
      tagStatus: "tagged",
      tagPrefixList: [BUILD_IMAGE_TAG_PREFIX],
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: 14,
    });
    expect(rules[3].selection).toEqual({
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: 1,
    });
    // No `any` rule: tags no rule names (bootstrap-…) never expire.
    expect(doc.rules.map((r) => r.selection.tagStatus)).not.toContain("any");
  });

  it("takes every number from spec.registry", () => {
    const custom = lifecyclePolicy(policy, {
      ...spec.registry,
      releaseImagesKept: 7,
      rcImageDays: 3,
      buildImageDays: 2,
      untaggedImageDays: 5,
    });
    expect(custom.rules.map((r) => r.selection.countNumber)).toEqual([
      7,
      RUNNING_IMAGES_KEPT,
      RUNNING_IMAGES_KEPT,
      RUNNING_IMAGES_KEPT,
      3,
      2,
      5,
    ]);
  });

  it("has no rc rule where the model has no rc tags", () => {
    expect(
      lifecyclePolicy(stagingBranch, spec.registry).rules.map(
        (r) => r.selection.tagPatternList ?? r.selection.tagPrefixList ?? r.selection.tagStatus,
      ),
    ).toEqual([
      [RELEASED_IMAGE_TAG_PREFIX],
      [runningImageTagPrefix("staging")],
      [runningImageTagPrefix("production")],
      [BUILD_IMAGE_TAG_PREFIX],
      "untagged",
    ]);
  });

  it("the tag kinds cannot be confused: no prefix starts another, the rc pattern matches only rc tags", () => {
    const prefixes = [
      RELEASED_IMAGE_TAG_PREFIX,
      BUILD_IMAGE_TAG_PREFIX,
      BOOTSTRAP_IMAGE_TAG_PREFIX,
      "v",
      runningImageTagPrefix("staging"),
      runningImageTagPrefix("staging-eu"),
    ];
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    const rcPattern = doc.rules.find((r) => r.selection.tagPatternList)!.selection.tagPatternList![0];
    for (const tag of [
      `${RELEASED_IMAGE_TAG_PREFIX}v1.2.3-rc.1`,
      "v1.2.3",
      sha(1),
      `${BOOTSTRAP_IMAGE_TAG_PREFIX}1.2.3-rc.1`,
    ])
      expect(ecrPatternMatches(rcPattern, tag)).toBe(false);
    expect(ecrPatternMatches(rcPattern, "v1.2.3-rc.1")).toBe(true);
  });

  it("ECR patterns are at least as wide as the fnmatch patterns they come from", () => {
    const tags = fc
      .tuple(fc.nat(99), fc.nat(99), fc.nat(99), fc.option(fc.nat(20)))
      .map(([a, b, c, n]) => `v${a}.${b}.${c}${n === null ? "" : `-rc.${n}`}`);
    fc.assert(
      fc.property(tags, (tag) => {
        for (const m of [RELEASE_TAG, RC_TAG])
          for (const p of m.patterns)
            if (fnmatch(p, tag)) expect(ecrPatternMatches(ecrTagPattern(p), tag)).toBe(true);
      }),
    );
  });
});

describe("lifecycle policy: which images survive (simulated)", () => {
  const doc = lifecyclePolicy(policy, settings);

  it("trunk: every kind of image, by name", () => {
    const images: Image[] = [
      build("build-fresh", 1, 2),
      build("build-old", 2, 6),
      rc("rc-older-than-build-days", "v1.9.0", 3, 8),
      rc("rc-old", "v1.8.0", 4, 11),
      released("released-60", "v1.7.0", 5, 60),
      released("released-70", "v1.6.0", 6, 70),
      released("released-80", "v1.5.0", 7, 80),
      released("released-90", "v1.4.0", 8, 90),
      released("released-100", "v1.3.0", 9, 100),
      failedRelease("failed-fresh", "v1.9.1", 10, 4),
      failedRelease("failed-old", "v1.7.1", 11, 20),
      bootstrap(400),
      { name: "untagged-fresh", tags: [], age: 0.5 },
      { name: "untagged-old", tags: [], age: 2 },
    ];
    expect(survivors(doc, images).sort()).toEqual(
      [
        "build-fresh",
        "rc-older-than-build-days",
        "released-60",
        "released-70",
        "released-80",
        "failed-fresh",
        "bootstrap",
        "untagged-fresh",
      ].sort(),
    );
  });

  it("a released image counts once however many markers it has, and neither rc nor build rules touch it", () => {
    const twice: Image = {
      name: "rolled-back-to",
      tags: [
        sha(20),
        "v1.0.0-rc.3",
        "v1.0.0",
        `${RELEASED_IMAGE_TAG_PREFIX}v1.0.0`,
        `${RELEASED_IMAGE_TAG_PREFIX}v1.0.0-rc.3`,
      ],
      age: 500,
    };
    const images = [twice, released("a", "v1.1.0", 21, 400), released("b", "v1.2.0", 22, 300)];
    expect(survivors(doc, images).sort()).toEqual(["a", "b", "rolled-back-to"]);
    expect(survivors(doc, [...images, released("c", "v1.3.0", 23, 200)])).not.toContain("rolled-back-to");
  });

  it("staging-branch (no rc tags): production's sha- images are kept by their marker, others expire as builds", () => {
    const doc2 = lifecyclePolicy(stagingBranch, settings);
    const prod = (name: string, n: number, age: number): Image => ({
      name,
      tags: [sha(n), sha(n + 1000), `${RELEASED_IMAGE_TAG_PREFIX}${sha(n + 1000)}`],
      age,
    });
    const images: Image[] = [
      prod("prod-1", 1, 50),
      prod("prod-2", 2, 40),
      prod("prod-3", 3, 30),
      prod("prod-4", 4, 20),
      { name: "promoted-failed", tags: [sha(5), sha(1005)], age: 6 },
      { name: "promoted-fresh", tags: [sha(6), sha(1006)], age: 3 },
      bootstrap(900),
    ];
    expect(survivors(doc2, images).sort()).toEqual([
      "bootstrap",
      "prod-2",
      "prod-3",
      "prod-4",
      "promoted-fresh",
    ]);
  });

  it("keeps what environments run past every age: integration's build after 15 days, staging's rc after 31", () => {
    const defaults = lifecyclePolicy(policy, spec.registry);
    expect(spec.registry.buildImageDays).toBe(14);
    expect(spec.registry.rcImageDays).toBe(30);
    const integrationBuild: Image = {
      name: "integration-runs",
      tags: [sha(1), runningImageTag("integration", sha(1))],
      age: 15,
    };
    const stagingRc: Image = {
      name: "staging-runs",
      tags: [sha(2), "v2.0.0-rc.1", runningImageTag("staging", "v2.0.0-rc.1")],
      age: 31,
    };
    const unmarkedBuild = build("build-nobody-runs", 3, 15);
    const unmarkedRc = rc("rc-nobody-runs", "v2.1.0", 4, 31);
    expect(survivors(defaults, [integrationBuild, stagingRc, unmarkedBuild, unmarkedRc]).sort()).toEqual([
      "integration-runs",
      "staging-runs",
    ]);
  });

  it("keeps an environment's newest marked images, its own count not touched by another's", () => {
    const defaults = lifecyclePolicy(policy, spec.registry);
    const staging = Array.from({ length: RUNNING_IMAGES_KEPT + 2 }, (_, i) => ({
      name: `staging-${i}`,
      tags: [sha(100 + i), runningImageTag("staging", sha(100 + i))],
      age: 100 - i,
    }));
    const integration: Image = {
      name: "integration-old",
      tags: [sha(1), runningImageTag("integration", sha(1))],
      age: 400,
    };
    const kept = survivors(defaults, [...staging, integration]);
    expect(kept).toContain("integration-old");
    expect(kept.filter((n) => n.startsWith("staging-"))).toHaveLength(RUNNING_IMAGES_KEPT);
    expect(kept).not.toContain("staging-0");
  });

  it("the simulator can fail: with the rc rule first, released images would expire as candidates", () => {
    const rcPriority = doc.rules.find((r) => r.selection.tagPatternList)!.rulePriority;
    const swapped: LifecyclePolicyDocument = {
      rules: doc.rules.map((r) => ({
        ...r,
        rulePriority: r.rulePriority === 1 ? rcPriority : r.rulePriority === rcPriority ? 1 : r.rulePriority,
      })),
    };
    expect(survivors(swapped, [released("r", "v1.0.0", 1, 60)])).toEqual([]);
    expect(survivors(doc, [released("r", "v1.0.0", 1, 60)])).toEqual(["r"]);
  });

  it("property: each kind of image lives exactly as the spec's settings say", () => {
    type Kind = "build" | "rc" | "released" | "failed" | "bootstrap" | "untagged";
    const kinds: Kind[] = ["build", "rc", "released", "failed", "bootstrap", "untagged"];
    fc.assert(
      fc.property(
        fc.record({
          releaseImagesKept: fc.integer({ min: 1, max: 6 }),
          rcImageDays: fc.integer({ min: 1, max: 60 }),
          buildImageDays: fc.integer({ min: 1, max: 60 }),
          untaggedImageDays: fc.integer({ min: 1, max: 10 }),
        }),
        fc.array(fc.tuple(fc.constantFrom(...kinds), fc.integer({ min: 0, max: 200 })), { maxLength: 25 }),
        (numbers, specs) => {
          // Distinct ages (a fraction per index): "newest N" is then unambiguous.
          const images = specs.map(([kind, days], i): Image & { kind: Kind } => {
            const age = days + i / 100;
            const name = `${kind}-${i}`;
            const v = `v1.${i}.0`;
            const base =
              kind === "build"
                ? build(name, i, age)
                : kind === "rc"
                  ? rc(name, v, i, age)
                  : kind === "released"
                    ? released(name, v, i, age)
                    : kind === "failed"
                      ? failedRelease(name, v, i, age)
                      : kind === "bootstrap"
                        ? { ...bootstrap(age), name }
                        : { name, tags: [], age };
            return { ...base, kind };
          });
          const gone = expired(lifecyclePolicy(policy, { ...spec.registry, ...numbers }), images);
          const releasedAges = images.filter((i) => i.kind === "released").map((i) => i.age);
          for (const i of images) {
            const newerReleases = releasedAges.filter((a) => a < i.age).length;
            const expected = {
              released: newerReleases >= numbers.releaseImagesKept,
              rc: i.age > numbers.rcImageDays,
              failed: i.age > numbers.rcImageDays,
              build: i.age > numbers.buildImageDays,
              bootstrap: false,
              untagged: i.age > numbers.untaggedImageDays,
            }[i.kind];
            expect({ image: i.name, age: i.age, expired: gone.has(i.name) }).toEqual({
              image: i.name,
              age: i.age,
              expired: expected,
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
