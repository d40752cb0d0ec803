/**
 * The registry's lifecycle policy, derived from the release policy's tags and the spec's
 * retention settings.
 */
import { RC_TAG, RELEASE_TAG, type ReleasePolicy, type RefMatcher } from "../release";
import type { TeamSpec } from "../spec";
import { BUILD_IMAGE_TAG_PREFIX } from "../release";

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
 * Rules, in ECR's evaluation order. An image matched by a rule's tag selection can no longer be
 * expired by a later rule, and a release image also carries the rc tag (and the `sha-` tag) it
 * was promoted from, so the release rule comes first: a production image is never expired by the
 * rc or build retention. ECR's `*` cannot tell `v1.2.3` from `v1.2.3-rc.1`, so rc images count
 * towards the kept release images while the release pattern admits them; the rc rule then only
 * expires rc images that the release pattern does not cover.
 */
export function lifecyclePolicy(policy: ReleasePolicy, registry: TeamSpec["registry"]): LifecyclePolicyDocument {
  const releaseTags = policy.releaseTags.filter((t) => t.regex === RELEASE_TAG.regex);
  const rcTags = policy.releaseTags.filter((t) => t.regex === RC_TAG.regex);
  const rules: Omit<LifecycleRule, "rulePriority">[] = [];
  for (const tag of releaseTags) {
    for (const pattern of patternsOf(tag)) {
      rules.push({
        description: `Keep the last ${registry.releaseImagesKept} images tagged as ${tag.label} (${pattern})`,
        selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber: registry.releaseImagesKept },
        action: { type: "expire" },
      });
    }
  }
  for (const tag of rcTags) {
    for (const pattern of patternsOf(tag)) {
      rules.push({
        description: `Expire images tagged as ${tag.label} (${pattern}) after ${registry.rcImageDays} days`,
        selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "sinceImagePushed", countUnit: "days", countNumber: registry.rcImageDays },
        action: { type: "expire" },
      });
    }
  }
  rules.push({
    description: `Expire build images (${BUILD_IMAGE_TAG_PREFIX}<commit>) after ${registry.buildImageDays} days`,
    selection: { tagStatus: "tagged", tagPrefixList: [BUILD_IMAGE_TAG_PREFIX], countType: "sinceImagePushed", countUnit: "days", countNumber: registry.buildImageDays },
    action: { type: "expire" },
  });
  rules.push({
    description: `Expire untagged images after ${registry.untaggedImageDays} days`,
    selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: registry.untaggedImageDays },
    action: { type: "expire" },
  });
  return { rules: rules.map((r, i) => ({ rulePriority: i + 1, ...r })) };
}
