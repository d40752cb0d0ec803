/**
 * What pull-request previews add to a team's monthly bill, from the one price table. Pure: the
 * spec in, numbers and the reasoning out, for the plan's cost section.
 *
 * - Previews on their own server (`team.previews.instanceType`): stopped while no preview is
 *   open, so idle it is its root volume (and, with a preview domain, the Elastic IP its DNS
 *   needs); each hour any preview is open adds the instance and its public IPv4 address.
 * - Previews sharing the hosting environment's server: the difference between the server sized to
 *   hold them and the one the environment would have without them; none when the spec names a
 *   type that already holds them (the server is paid for anyway).
 * - Previews on Kubernetes (the hosting environment's cluster): no server of ours; their
 *   namespace's quota is claimed from a cluster the team already pays for.
 */
import {
  environmentServerDisk,
  previewMemoryNeededMib,
  resolvePreviews,
  smallestTypeHolding,
  type TeamSpec,
} from "../components/team";
import { HOURS_PER_MONTH, PRICES, type PriceTable } from "./prices";

export interface PreviewCost {
  /** The environment hosting previews. */
  readonly environment: string;
  readonly ownServer: boolean;
  /** Where previews run: a server, or the hosting environment's existing cluster. */
  readonly runtime: "server" | "kubernetes";
  /** The server previews run on; undefined on Kubernetes (no server). */
  readonly instanceType?: string;
  readonly memoryNeededMib: number;
  /** USD per month previews add while none is open; 0 when they fit a server that exists anyway. */
  readonly monthly: number;
  /** USD per hour while any preview is open, on top of `monthly` (their own server only). @default absent - 0 */
  readonly runningHourly?: number;
  readonly detail: string;
  /** Notes a reader must know (a type without a price). */
  readonly notes: string[];
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** Previews' marginal monthly cost, or undefined when previews are off. */
export function previewCost(spec: TeamSpec, table: PriceTable = PRICES): PreviewCost | undefined {
  const plan = resolvePreviews(spec);
  if (!plan) return undefined;
  const prices = table.regions[spec.aws.region] ?? table.regions[table.fallbackRegion];
  const notes: string[] = [];
  const hourly = (type: string): number => {
    const price = prices.ec2Hourly[type];
    if (price === undefined) notes.push(`no price for ${type} in plan/prices.ts: counted as $0`);
    return price ?? 0;
  };
  if (plan.kubernetes) {
    return {
      environment: plan.environment,
      ownServer: false,
      runtime: "kubernetes",
      memoryNeededMib: plan.memoryNeededMib,
      monthly: 0,
      detail: `in namespace ${plan.kubernetes.namespace} on ${plan.environment}'s existing cluster, at most ${plan.maxPerService} per service within its quota: no server of ours, no extra cost`,
      notes,
    };
  }
  const base = {
    environment: plan.environment,
    ownServer: plan.ownServer,
    runtime: "server" as const,
    instanceType: plan.instanceType,
    memoryNeededMib: plan.memoryNeededMib,
  };
  if (plan.ownServer) {
    // The server's own root volume as the stack sizes it (team/server-disk.ts).
    const gib = plan.rootVolume?.gib ?? 0;
    const volume = gib * (prices.ebsGbMonth.gp3 ?? 0);
    // With a domain the server keeps an Elastic IP (charged stopped or not); without one, its
    // auto-assigned address exists, and is charged, only while it runs.
    const eip = plan.domain ? prices.publicIpv4Hourly * HOURS_PER_MONTH : 0;
    const running = hourly(plan.instanceType) + (plan.domain ? 0 : prices.publicIpv4Hourly);
    return {
      ...base,
      monthly: cents(volume + eip),
      runningHourly: running,
      detail:
        `own ${plan.instanceType} server, stopped while no preview is open: ${gib} GB gp3 ($${volume.toFixed(2)})` +
        `${plan.domain ? ` + Elastic IP for the preview domain ($${eip.toFixed(2)})` : ""}` +
        `; $${running.toFixed(4)} per hour while any preview is open (${plan.instanceType}${plan.domain ? "" : " + public IPv4"})`,
      notes,
    };
  }
  // On the environment's server: a larger type when the spec left it to the sizing (an explicit
  // type is the team's, and exists anyway), and their images on its root volume (none when the
  // spec sizes that by hand).
  const extra =
    plan.explicitType === undefined
      ? Math.max(0, hourly(plan.instanceType) - hourly(plan.typeWithoutPreviews)) * HOURS_PER_MONTH
      : 0;
  const env = spec.environments.find((e) => e.name === plan.environment)!;
  const extraGib = environmentServerDisk(spec, env, plan).gib - environmentServerDisk(spec, env).gib;
  const disk = extraGib * (prices.ebsGbMonth.gp3 ?? 0);
  const holds =
    extra > 0
      ? `${plan.environment}'s server is ${plan.instanceType} instead of ${plan.typeWithoutPreviews} to hold ${plan.maxPerService} previews per service (${plan.memoryNeededMib} MiB)`
      : `on ${plan.environment}'s ${plan.instanceType}, which holds them (${plan.memoryNeededMib} MiB needed)`;
  return {
    ...base,
    monthly: cents(extra + disk),
    detail:
      holds +
      (extraGib > 0
        ? `; its root volume ${extraGib} GB larger for their images ($${disk.toFixed(2)})`
        : extra > 0
          ? ""
          : ": no extra cost"),
    notes,
  };
}

/**
 * The smallest server of `family` for `previews` concurrent previews of every service, on the
 * hosting environment's server (`shared`) or their own; undefined when none in the table does.
 */
export function serverSizeForPreviews(
  spec: TeamSpec,
  previews: number,
  shared = true,
  family = "t4g",
): string | undefined {
  return smallestTypeHolding(previewMemoryNeededMib(spec.services, previews, shared), family);
}
