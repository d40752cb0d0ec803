/**
 * github-content-rate — GitHub's secondary rate limits: "In general, no more than 80
 * content-generating requests per minute and no more than 500 content-generating requests per
 * hour are allowed" (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
 * The provider (terraform-provider-github `github/transport.go`, `rateLimitTransport`) sends
 * one request at a time, sleeps 1 s between writes (so ≤ 60 a minute) and, when GitHub answers
 * with a secondary limit, sleeps for its Retry-After and tries again: past 500 writes an `up`
 * does not break, it stalls for most of each hour. The rule counts the writes a first `up` and a
 * change of the generated workflows make, by resource (assumption, from the provider's create
 * functions: a repository 3 — create, topics, vulnerability alerts; a team member 1 each;
 * everything else 1; every write counted as content-generating, GitHub does not publish which
 * are), and advises when they pass 500. Advisory: slow, not refused.
 */
import type { CheckedResource, StackRule } from "../types";
import { n, servicesKey, stackUrn } from "./preflight";
import { arr, ofType, T } from "./util";

export const CONTENT_PER_MINUTE = 80;
export const CONTENT_PER_HOUR = 500;

/** Writes creating `r` takes; 0 for what is not a GitHub resource. */
export function writesToCreate(r: CheckedResource): number {
  if (!r.custom || !r.type.startsWith("github:index/")) return 0;
  if (r.type === T.ghRepository) return 3;
  if (r.type === T.ghTeamMembers) return Math.max(1, arr(r.inputs.members).length);
  return 1;
}

export function contentRequests(resources: readonly CheckedResource[]): {
  firstUp: number;
  workflowChange: number;
} {
  return {
    firstUp: resources.reduce((sum, r) => sum + writesToCreate(r), 0),
    workflowChange: ofType(resources, T.ghRepositoryFile).length,
  };
}

export const githubContentRate: StackRule = {
  kind: "stack",
  id: "github-content-rate",
  description:
    "A first `up` and a change of every generated file stay within GitHub's 500 content-creating requests per hour.",
  mirrors: "GitHub REST secondary rate limits (preflight)",
  level: "advisory",
  check(resources, ctx) {
    const { firstUp, workflowChange } = contentRequests(resources);
    const urn = stackUrn(resources);
    if (!urn || Math.max(firstUp, workflowChange) <= CONTENT_PER_HOUR) return [];
    const hours = (count: number) => Math.floor(count / CONTENT_PER_HOUR);
    return [
      {
        urn,
        message:
          `a first \`pulumi up\` makes about ${n(firstUp)} content-creating GitHub requests and regenerating the workflows ` +
          `${n(workflowChange)}; GitHub allows ${CONTENT_PER_MINUTE} a minute and ${CONTENT_PER_HOUR} an hour, so the provider ` +
          `will wait out GitHub's limit for at least ${hours(firstUp)} hour(s). They grow with ${servicesKey(ctx)}: add services ` +
          `to the spec in batches of ~${Math.floor(CONTENT_PER_HOUR / Math.max(1, Math.ceil(firstUp / Math.max(1, ctx.spec?.services.length ?? 1))))} ` +
          `per \`up\` (or \`pulumi up --target\` a batch at a time); \`--parallel\` does not help, the provider serializes its writes`,
      },
    ];
  },
};
