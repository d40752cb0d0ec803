/**
 * The registry's lifecycle policy, derived from the release policy's tags and the spec's
 * retention settings.
 */
import {
  BUILD_IMAGE_TAG_PREFIX,
  RC_TAG,
  RELEASED_IMAGE_TAG_PREFIX,
  RUNNING_IMAGES_KEPT,
  runningImageTagPrefix,
  type RefMatcher,
  type ReleasePolicy,
} from "../release";
import type { TeamSpec } from "../team";

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description: string;
  readonly selection: {
    readonly tagStatus: "tagged" | "untagged";
    readonly tagPatternList?: string[];
    readonly tagPrefixList?: string[];
    readonly countType: "imageCountMoreThan" | "sinceImagePushed";
    readonly countUnit?: "days";
    readonly countNumber: number;
  };
  readonly action: { readonly type: "expire" };
}

export interface LifecyclePolicyDocument {
  readonly rules: LifecycleRule[];
}

/**
 * ECR tag patterns only know `*` (at most four per pattern). A GitHub fnmatch pattern such as
 * `v[0-9]*.[0-9]*.[0-9]*` becomes `v*.*.*`: a character class and the star after it widen to one
 * star. Wider than the exact regex, which is safe here: lifecycle rules keep or expire, they do
 * not admit anything.
 */
export function ecrTagPattern(fnmatchPattern: string): string {
  const widened = fnmatchPattern
    .replace(/\[[^\]]*\]\*?/g, "*")
    .replace(/\?/g, "*")
    .replace(/\*+/g, "*");
  if ((widened.match(/\*/g) ?? []).length > 4) {
    throw new Error(`tag pattern ${fnmatchPattern} needs more than four wildcards in ECR (${widened})`);
  }
  return widened;
}

function patternsOf(matcher: RefMatcher): string[] {
  return [...new Set(matcher.patterns.map(ecrTagPattern))];
}

/**
 * Rules, in ECR's evaluation order. ECR applies them by priority; an image matched by a rule's
 * tag selection is never expired by a later rule, whether or not that rule expires it; a
 * selection list matches when every entry matches one of the image's tags; ages count from the
 * image's first push (adding a tag later does not reset it). So each rule below selects
 * exactly one kind of image, and the order decides which kind an image with several tags is:
 *
 *  1. Keep the last `releaseImagesKept` images tagged `released-…` ({@link RELEASED_IMAGE_TAG_PREFIX}):
 *     the images production has run. A prefix, not a pattern: ECR's `*` cannot tell `v1.2.3` from
 *     `v1.2.3-rc.1`, a prefix no other tag starts with can. The oldest beyond N expire.
 *  2. Per environment, keep the newest {@link RUNNING_IMAGES_KEPT} images tagged
 *     `running-<environment>.…` (`runningImageTagPrefix`): what the environment runs and can roll
 *     back to, whatever their age (an integration build older than `buildImageDays`, a staging rc
 *     older than `rcImageDays`). The `.` ends the prefix: no environment's prefix starts another's.
 *  3. Expire rc-tagged images (`v*.*.*-rc.*`, only in models with rc tags) after `rcImageDays`.
 *  4. Expire build images (`sha-…`) after `buildImageDays`.
 *  5. Expire untagged images after `untaggedImageDays`.
 *
 * ECR counts `imageCountMoreThan` by push time, not by when the marker was added: an environment
 * that goes back to an image older than its N newest marked ones can see it expire; N is above
 * the releases each server keeps for rollback (the deploy agent's KEEP_RELEASES, 2).
 *
 * Every kind of image, and the rule that decides it:
 *  - a build never promoted (`sha-X`): rule 3;
 *  - a release candidate production never ran (`sha-X`, `v1.2.3-rc.1`): rule 2, so it lives
 *    `rcImageDays` (not `buildImageDays`) and does not count towards the N releases;
 *  - an image an environment runs (`running-<env>.<release>`): its environment's rule 2;
 *  - a released image (`sha-X`, `v1.2.3-rc.1`, `v1.2.3`, `released-v1.2.3`): rule 1 only; the rc
 *    and build rules can never expire it, and it goes when N newer released images exist;
 *  - the `v1.2.3` of a failed production deploy (promoted, never marked): its rc tag (rule 2) or,
 *    in models without rc tags, its `sha-` tag (rule 3) expires it like any candidate. Every
 *    pipeline image carries a `sha-` tag: promotions start from one;
 *  - a promoted branch image (`sha-M` of a merge commit, models without rc tags): rule 3 until
 *    production runs it, rule 1 after;
 *  - the bootstrap placeholder (`bootstrap-<hash>`) and any tag no rule names: never expired
 *    (no `any` rule), so an environment can always go back to its first image;
 *  - untagged images (a push by digest, a tag deleted by hand): rule 4.
 */
export function lifecyclePolicy(
  policy: ReleasePolicy,
  registry: TeamSpec["registry"],
): LifecyclePolicyDocument {
  const rcTags = policy.releaseTags.filter((t) => t.regex === RC_TAG.regex);
  const rules: Omit<LifecycleRule, "rulePriority">[] = [];
  rules.push({
    description: `Keep the last ${registry.releaseImagesKept} images production ran (${RELEASED_IMAGE_TAG_PREFIX}<version>)`,
    selection: {
      tagStatus: "tagged",
      tagPrefixList: [RELEASED_IMAGE_TAG_PREFIX],
      countType: "imageCountMoreThan",
      countNumber: registry.releaseImagesKept,
    },
    action: { type: "expire" },
  });
  for (const deployment of policy.deployments) {
    const prefix = runningImageTagPrefix(deployment.environment);
    rules.push({
      description: `Keep the last ${RUNNING_IMAGES_KEPT} images ${deployment.environment} ran (${prefix}<release>), whatever their age`,
      selection: {
        tagStatus: "tagged",
        tagPrefixList: [prefix],
        countType: "imageCountMoreThan",
        countNumber: RUNNING_IMAGES_KEPT,
      },
      action: { type: "expire" },
    });
  }
  for (const tag of rcTags) {
    for (const pattern of patternsOf(tag)) {
      rules.push({
        description: `Expire images tagged as ${tag.label} (${pattern}) after ${registry.rcImageDays} days unless production ran them`,
        selection: {
          tagStatus: "tagged",
          tagPatternList: [pattern],
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: registry.rcImageDays,
        },
        action: { type: "expire" },
      });
    }
  }
  rules.push({
    description: `Expire build images (${BUILD_IMAGE_TAG_PREFIX}<commit>) after ${registry.buildImageDays} days unless promoted`,
    selection: {
      tagStatus: "tagged",
      tagPrefixList: [BUILD_IMAGE_TAG_PREFIX],
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: registry.buildImageDays,
    },
    action: { type: "expire" },
  });
  rules.push({
    description: `Expire untagged images after ${registry.untaggedImageDays} days`,
    selection: {
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: registry.untaggedImageDays,
    },
    action: { type: "expire" },
  });
  return { rules: rules.map((r, i) => ({ rulePriority: i + 1, ...r })) };
}
