/**
 * What the same team would pay, idle, on a load-balanced container service: the yardstick the
 * plan's idle cost is compared with (the aim: a team on servers idles at no more than a quarter
 * of it). Pure: the spec and the one price table in, numbers and every assumption out.
 *
 * The counterpart of each server-runtime environment, kept as small as that service allows:
 *  - one internet-facing Application Load Balancer: its hours, plus one public IPv4 address per
 *    zone it is enabled in (an ALB needs subnets in at least two zones; VPC pricing charges every
 *    public IPv4 address, the ALB's included). Its LCU-hours are taken as 0 when idle: health
 *    checks are not billed traffic, and an idle ALB uses close to no LCU.
 *  - per service, Fargate tasks of the smallest size (0.25 vCPU, 0.5 GB) on the cheaper Linux
 *    architecture in the table (ARM64 today, like the t4g servers), each with its own public
 *    IPv4 address in a public subnet (no NAT gateway, as the servers have none): one task per
 *    service outside production, two in production (one per zone, for availability).
 *  - nothing for previews: on a container service they would be tasks started per pull request.
 * What both designs pay alike (registry storage, log groups, parameters) is not added here: it
 * stays on the plan's side only, a few cents against us.
 */
import type { TeamSpec } from "../components/team";
import { HOURS_PER_MONTH, PRICES, type FargateArchitecture, type PriceTable } from "./prices";

/** The smallest Fargate task size (vCPU 256 units with 512 MiB is Fargate's smallest pairing). */
export const BASELINE_TASK = { vcpu: 0.25, gb: 0.5 } as const;
/** Zones the load balancer is enabled in: ELB's minimum for an Application Load Balancer. */
export const BASELINE_ALB_ZONES = 2;
/** Tasks per service: production keeps one per zone, other environments one. */
export const baselineTasksPerService = (role: string): number => (role === "production" ? 2 : 1);

/** One environment's counterpart on the container service. */
export interface BaselineEnvironment {
  readonly environment: string;
  readonly monthly: number;
  readonly detail: string;
}

/** The whole team's counterpart (see the module comment). */
export interface ContainerServiceBaseline {
  readonly region: string;
  /** The architecture priced (the cheaper one in the table). */
  readonly architecture: FargateArchitecture;
  readonly monthly: number;
  readonly environments: readonly BaselineEnvironment[];
  /** What was assumed, in words a reader can check. */
  readonly assumptions: readonly string[];
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** The idle monthly cost of `spec`'s team on ALB + Fargate, from `table`. */
export function containerServiceBaseline(
  spec: Pick<TeamSpec, "aws" | "services" | "environments">,
  table: PriceTable = PRICES,
): ContainerServiceBaseline {
  const known = table.regions[spec.aws.region];
  const region = known ? spec.aws.region : table.fallbackRegion;
  const prices = known ?? table.regions[table.fallbackRegion];
  const taskHourlyOf = (a: FargateArchitecture) =>
    BASELINE_TASK.vcpu * prices.fargate[a].vcpuHourly + BASELINE_TASK.gb * prices.fargate[a].gbHourly;
  // Fair to the container service: the cheaper architecture.
  const architecture = (Object.keys(prices.fargate) as FargateArchitecture[]).reduce((best, a) =>
    taskHourlyOf(a) < taskHourlyOf(best) ? a : best,
  );
  const taskHourly = taskHourlyOf(architecture);
  const ip = prices.publicIpv4Hourly;
  const albMonthly = (prices.alb.hourly + BASELINE_ALB_ZONES * ip) * HOURS_PER_MONTH;
  const taskMonthly = (taskHourly + ip) * HOURS_PER_MONTH;

  const servers = spec.environments.filter((e) => (e.runtime ?? "server") === "server");
  const environments = servers.map((e) => {
    const tasks = spec.services.length * baselineTasksPerService(e.role);
    return {
      environment: e.name,
      monthly: cents(albMonthly + tasks * taskMonthly),
      detail:
        `ALB $${albMonthly.toFixed(2)} ($${prices.alb.hourly}/h + ${BASELINE_ALB_ZONES} zones' public IPv4) + ` +
        `${tasks} Fargate task${tasks === 1 ? "" : "s"} × $${taskMonthly.toFixed(2)} ` +
        `(${BASELINE_TASK.vcpu} vCPU/${BASELINE_TASK.gb} GB ${architecture} $${taskHourly.toFixed(6)}/h + public IPv4)`,
    };
  });
  const skipped = spec.environments.filter((e) => !servers.includes(e)).map((e) => e.name);
  const assumptions = [
    `one Application Load Balancer per environment in ${BASELINE_ALB_ZONES} zones, idle LCU ≈ 0`,
    `per service ${BASELINE_TASK.vcpu} vCPU/${BASELINE_TASK.gb} GB Fargate tasks (${architecture}, the cheaper architecture), 1 per environment, 2 in production (one per zone)`,
    "public IPv4 per task and per ALB zone, no NAT gateway",
    "previews: tasks per pull request, nothing idle",
    ...(known ? [] : [`no prices for ${spec.aws.region}: ${table.fallbackRegion}'s used`]),
    ...(skipped.length > 0
      ? [
          `Kubernetes environments (${skipped.join(", ")}) are compared with nothing: their cluster is paid by its owner either way`,
        ]
      : []),
  ];
  return {
    region,
    architecture,
    monthly: cents(environments.reduce((n, e) => n + e.monthly, 0)),
    environments,
    assumptions,
  };
}

/** `idle` as a share of `baseline`, e.g. 0.268; undefined when there is nothing to compare with. */
export function idleRatio(idle: number, baseline: number): number | undefined {
  return baseline > 0 ? Math.round((idle / baseline) * 10000) / 10000 : undefined;
}
