/**
 * Monthly cost estimate of a stack's plan from the one price table (plan/prices.ts). Reads the
 * recorded inputs generically (instance type, root volume, public addresses, alarms, registries,
 * parameters), so components need no cost hooks. A region or instance type the table lacks is
 * reported in `notes`, never silently invented.
 */
import { IDLE_STOPPED_TAG } from "../components/release";
import { environmentRootVolume, resolvePreviews, type TeamSpec } from "../components/team";
import type { CostItem, CostReport, PlannedResource } from "./contract";
import { containerServiceBaseline, idleRatio } from "./baseline";
import { previewCost } from "./preview-cost";
import { HOURS_PER_MONTH, PRICES, type PriceTable, type RegionPrices } from "./prices";

export type { CostItem, CostReport } from "./contract";

/** What cost estimation needs of a planned resource. */
export type CostedResource = Pick<
  PlannedResource,
  "urn" | "type" | "name" | "provider" | "custom" | "inputs"
>;

const cents = (n: number) => Math.round(n * 100) / 100;
const usd = (n: number) => `$${n.toFixed(n < 0.1 && n > 0 ? 4 : 2)}`;

/**
 * Estimates the monthly cost of `resources`. `ids` maps URNs to the fake cloud's physical ids so
 * an Elastic IP attached to an instance replaces (is not added to) the instance's own address.
 */
export function computeCost(
  resources: readonly CostedResource[],
  ids: ReadonlyMap<string, string> = new Map(),
  table: PriceTable = PRICES,
): CostReport {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const notes = new Set<string>();
  const regionOf = (r: CostedResource): string => {
    const own = r.inputs.region;
    if (typeof own === "string" && own) return own;
    const provider = r.provider ? byUrn.get(r.provider) : undefined;
    const region = provider?.inputs.region;
    return typeof region === "string" && region ? region : table.fallbackRegion;
  };
  const pricesFor = (region: string): { region: string; prices: RegionPrices } => {
    const prices = table.regions[region];
    if (prices) return { region, prices };
    notes.add(`no prices for region ${region} in plan/prices.ts: used ${table.fallbackRegion}'s`);
    return { region: table.fallbackRegion, prices: table.regions[table.fallbackRegion] };
  };

  // Instances that get their public address from an Elastic IP (by the fake cloud's id).
  const idToUrn = new Map([...ids].map(([urn, id]) => [id, urn]));
  const eipAttached = new Set<string>();
  for (const r of resources) {
    const target =
      r.type === "aws:ec2/eip:Eip"
        ? r.inputs.instance
        : r.type === "aws:ec2/eipAssociation:EipAssociation"
          ? r.inputs.instanceId
          : undefined;
    if (typeof target === "string" && idToUrn.has(target)) eipAttached.add(idToUrn.get(target)!);
  }
  const subnetMapsPublicIp = (subnetId: unknown): boolean => {
    // Default-VPC subnets assign public addresses; a planned subnet does only if it says so.
    const urn = typeof subnetId === "string" ? idToUrn.get(subnetId) : undefined;
    const subnet = urn ? byUrn.get(urn) : undefined;
    return subnet ? subnet.inputs.mapPublicIpOnLaunch === true : true;
  };

  const items: CostItem[] = [];
  const regionsUsed: string[] = [];
  const add = (r: CostedResource, monthly: number, detail: string) => {
    items.push({ urn: r.urn, type: r.type, name: r.name, monthly: cents(monthly), detail });
  };

  for (const r of resources) {
    if (!r.custom || !r.type.startsWith("aws:")) continue;
    const { region, prices } = pricesFor(regionOf(r));
    const before = items.length;
    const i = r.inputs as Record<string, any>;
    switch (r.type) {
      case "aws:ec2/instance:Instance": {
        const type = String(i.instanceType ?? "");
        const hourly = prices.ec2Hourly[type];
        const parts: string[] = [];
        let monthly = 0;
        // A server stopped while idle pays for its volume only: EC2 bills no instance-hours for a
        // stopped instance, and releases its auto-assigned public IPv4 address (EC2 User Guide,
        // "Stop and start Amazon EC2 instances"; VPC pricing charges addresses in use).
        const stoppedWhenIdle = (i.tags ?? {})[IDLE_STOPPED_TAG.key] === IDLE_STOPPED_TAG.value;
        if (stoppedWhenIdle) {
          const ip = eipAttached.has(r.urn) ? 0 : prices.publicIpv4Hourly;
          const running = (hourly ?? 0) + ip;
          parts.push(
            `stopped while idle${hourly === undefined ? "" : ` (running: ${usd(running)}/h, ${type}${ip ? " + public IPv4" : ""})`}`,
          );
          notes.add(
            `${r.name} is stopped while no preview is open: priced idle (root volume only); each hour a preview is open adds ${usd(running)}`,
          );
        } else if (hourly === undefined) {
          notes.add(`no price for instance type ${type || "(none)"} in ${region}: not counted`);
          parts.push(`${type || "(no instanceType)"}: not priced`);
        } else {
          monthly += hourly * HOURS_PER_MONTH;
          parts.push(`${type} ${usd(hourly)}/h × ${HOURS_PER_MONTH} h`);
        }
        const root = (i.rootBlockDevice ?? {}) as Record<string, any>;
        const size = Number(root.volumeSize ?? table.defaultRootVolumeGb);
        const volumeType = String(root.volumeType ?? "gp3");
        const gb = prices.ebsGbMonth[volumeType];
        if (gb === undefined) {
          notes.add(`no price for EBS volume type ${volumeType} in ${region}: not counted`);
        } else {
          monthly += size * gb;
          parts.push(`${size} GB ${volumeType} × ${usd(gb)}/GB-month`);
        }
        const hasOwnAddress =
          i.associatePublicIpAddress === true ||
          (i.associatePublicIpAddress !== false && subnetMapsPublicIp(i.subnetId));
        if (hasOwnAddress && !eipAttached.has(r.urn) && !stoppedWhenIdle) {
          monthly += prices.publicIpv4Hourly * HOURS_PER_MONTH;
          parts.push(`public IPv4 ${usd(prices.publicIpv4Hourly)}/h`);
        }
        add(r, monthly, parts.join(" + "));
        break;
      }
      case "aws:ec2/eip:Eip":
        add(
          r,
          prices.publicIpv4Hourly * HOURS_PER_MONTH,
          `public IPv4 ${usd(prices.publicIpv4Hourly)}/h × ${HOURS_PER_MONTH} h (charged attached or idle)`,
        );
        break;
      case "aws:ebs/volume:Volume": {
        const volumeType = String(i.type ?? "gp3");
        const gb = prices.ebsGbMonth[volumeType];
        const size = Number(i.size ?? 0);
        if (gb === undefined)
          notes.add(`no price for EBS volume type ${volumeType} in ${region}: not counted`);
        else add(r, size * gb, `${size} GB ${volumeType} × ${usd(gb)}/GB-month`);
        break;
      }
      case "aws:cloudwatch/metricAlarm:MetricAlarm": {
        const highResolution = typeof i.period === "number" && i.period < 60;
        const metrics =
          Array.isArray(i.metricQueries) && i.metricQueries.length > 0
            ? i.metricQueries.filter((q: any) => q?.metric).length || 1
            : 1;
        const unit = highResolution ? prices.alarmHighResolutionMonthly : prices.alarmStandardMonthly;
        add(
          r,
          unit * metrics,
          `${metrics} ${highResolution ? "high-resolution" : "standard"} alarm metric${metrics > 1 ? "s" : ""} × ${usd(unit)}/month`,
        );
        break;
      }
      case "aws:ecr/repository:Repository":
        add(
          r,
          table.assumedEcrGbPerRepository * prices.ecrGbMonth,
          `assumed ${table.assumedEcrGbPerRepository} GB stored × ${usd(prices.ecrGbMonth)}/GB-month`,
        );
        break;
      case "aws:cloudwatch/logGroup:LogGroup":
        // Billed by use only (GB ingested and stored; CloudWatch pricing): an idle server's agent
        // and proxy write a few lines a day. Said, not guessed.
        notes.add(
          "CloudWatch log groups are billed per GB ingested and stored: usage, not idle cost, not counted",
        );
        break;
      case "aws:ssm/parameter:Parameter":
        if (i.tier === "Advanced" || i.tier === "Intelligent-Tiering") {
          add(r, prices.ssmAdvancedMonthly, `advanced parameter ${usd(prices.ssmAdvancedMonthly)}/month`);
        }
        break;
      default:
        break;
    }
    if (items.length > before) regionsUsed.push(region);
  }

  // The Kubernetes runtime uses a cluster that exists already: none of its cost is ours to count.
  for (const r of resources.filter((r) => r.type === "pulumi:providers:kubernetes")) {
    add(r, 0, "existing Kubernetes cluster: nodes, control plane and load balancer are its owner's cost");
    notes.add(
      "Kubernetes environments run on an existing cluster: only the namespace quota is claimed from it",
    );
  }
  if (items.some((it) => it.type === "aws:ecr/repository:Repository")) {
    notes.add(`ECR storage assumes ${table.assumedEcrGbPerRepository} GB of images per repository`);
  }
  const region =
    mostCommon(regionsUsed) ??
    mostCommon(resources.filter((r) => r.type === "pulumi:providers:aws").map(regionOf)) ??
    table.fallbackRegion;
  return {
    currency: table.currency,
    monthly: cents(items.reduce((sum, it) => sum + it.monthly, 0)),
    items,
    prices: { region, asOf: table.asOf, source: table.source },
    notes: [...notes],
  };
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/**
 * The cost report of the stack that hosts previews, with an "of which previews" note: previews'
 * marginal cost (plan/preview-cost.ts) is already inside the total (the upsized server, or their
 * own server, is a planned resource), so it is shown, never added. Other stacks: unchanged.
 */
export function withPreviewNote(
  report: CostReport,
  spec: TeamSpec,
  environment: string | undefined,
): CostReport {
  const preview = previewCost(spec);
  if (!preview || environment === undefined || preview.environment !== environment) return report;
  const note = `of which previews: ${usd(preview.monthly)}/month, already in the total (${preview.detail})`;
  return { ...report, notes: [note, ...preview.notes, ...report.notes] };
}

/**
 * The cost report with how its servers' root volumes were sized (team/server-disk.ts), so the
 * plan says why a volume has its size. Kubernetes environments and the shared stack: unchanged.
 */
export function withRootVolumeNotes(
  report: CostReport,
  spec: TeamSpec,
  environment: string | undefined,
): CostReport {
  const env = spec.environments.find((e) => e.name === environment);
  if (!env || env.runtime === "kubernetes") return report;
  const previews = resolvePreviews(spec);
  const notes = [
    `root volume of ${env.name}'s server: ${environmentRootVolume(spec, env).detail}; an existing larger volume is kept (EC2 cannot shrink one)`,
    ...(previews?.rootVolume && previews.environment === env.name
      ? [`root volume of previews' own server: ${previews.rootVolume.detail}`]
      : []),
  ];
  return { ...report, notes: [...report.notes, ...notes] };
}

/**
 * The cost report with its yardstick: what the same team pays idle on a load-balanced container
 * service (plan/baseline.ts), this stack's share (`environment`'s load balancer and tasks; none
 * for the shared stack) and the whole team's.
 */
export function withBaseline(
  report: CostReport,
  spec: TeamSpec,
  environment: string | undefined,
): CostReport {
  const team = containerServiceBaseline(spec);
  const own = team.environments.find((e) => e.environment === environment);
  const monthly = own?.monthly ?? 0;
  const ratio = idleRatio(report.monthly, monthly);
  return {
    ...report,
    baseline: {
      kind: "load-balanced-container-service",
      monthly,
      ...(ratio === undefined ? {} : { ratio }),
      teamMonthly: team.monthly,
      architecture: team.architecture,
      detail:
        own?.detail ?? "no load balancer or tasks: this stack's counterparts are in the environment stacks",
      assumptions: [...team.assumptions],
    },
  };
}
