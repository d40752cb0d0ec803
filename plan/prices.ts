/**
 * The one price table the offline plan's cost estimate uses: AWS list prices, On-Demand, Linux,
 * USD. Only what the program creates is priced; anything else is reported as "not priced", never
 * guessed. Update the numbers and `asOf` together; `npm test` checks the table is complete for
 * every listed region.
 */
export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  /** EC2 On-Demand Linux, $ per instance-hour. */
  readonly ec2Hourly: Readonly<Record<string, number>>;
  /** EBS, $ per GB-month by volume type. */
  readonly ebsGbMonth: Readonly<Record<string, number>>;
  /** Public IPv4 address (in use or idle, EIP or auto-assigned; charged since 2024-02-01), $ per hour. */
  readonly publicIpv4Hourly: number;
  /** CloudWatch standard-resolution alarm, $ per alarm metric per month. */
  readonly alarmStandardMonthly: number;
  /** CloudWatch high-resolution alarm (period < 60 s), $ per alarm metric per month. */
  readonly alarmHighResolutionMonthly: number;
  /** ECR private repository storage, $ per GB-month. */
  readonly ecrGbMonth: number;
  /** SSM Parameter Store: standard parameters are free; advanced, $ per parameter per month. */
  readonly ssmAdvancedMonthly: number;
  /**
   * Application Load Balancer, $ per load-balancer hour and per LCU-hour. Priced only for the
   * comparison with a load-balanced container service (plan/baseline.ts): the program creates none.
   */
  readonly alb: { readonly hourly: number; readonly lcuHourly: number };
  /**
   * Fargate On-Demand, Linux, $ per vCPU-hour and per GB-hour, by CPU architecture (the first
   * 20 GB of ephemeral storage per task are included). Comparison only, as `alb`.
   */
  readonly fargate: Readonly<
    Record<FargateArchitecture, { readonly vcpuHourly: number; readonly gbHourly: number }>
  >;
}

/** Fargate's Linux CPU architectures (task definition `runtimePlatform.cpuArchitecture`). */
export type FargateArchitecture = "ARM64" | "X86_64";

export interface PriceTable {
  readonly currency: "USD";
  /** When these list prices were taken from the source pages. */
  readonly asOf: string;
  readonly source: string;
  /** Region used, with a note, for a region the table does not have. */
  readonly fallbackRegion: string;
  /**
   * Image storage assumed per ECR repository, GB: the lifecycle policy keeps a handful of
   * images of a small service (~100-200 MB each).
   */
  readonly assumedEcrGbPerRepository: number;
  /** Root volume size when an instance does not set one (Amazon Linux 2023 AMIs: 8 GiB). */
  readonly defaultRootVolumeGb: number;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

export const PRICES: PriceTable = {
  currency: "USD",
  asOf: "2025-01-15",
  // The xlarge and 2xlarge sizes (every type the preview sizing may choose, INSTANCE_MEMORY_MIB)
  // were added 2026-12-03 from the same on-demand page: each burstable size costs twice the one
  // below it, in both regions.
  // alb and fargate (the comparison baseline) were added 2026-12-03 from the same kind of source:
  // https://aws.amazon.com/elasticloadbalancing/pricing/ (Price List usage types
  // `EU-LoadBalancerUsage` $0.0252/h, `EU-LCUUsage` $0.008/LCU-h in eu-west-1; `LoadBalancerUsage`
  // $0.0225/h, `LCUUsage` $0.008 in us-east-1) and https://aws.amazon.com/fargate/pricing/
  // (`EU-Fargate-vCPU-Hours:perCPU` $0.04048, `EU-Fargate-GB-Hours` $0.004445,
  // `EU-Fargate-ARM-vCPU-Hours:perCPU` $0.03238, `EU-Fargate-ARM-GB-Hours` $0.00356; us-east-1 has
  // the same Fargate rates). A real eu-west-1 bill agrees: 595 ALB-hours cost $15.00 ($0.0252/h).
  source:
    "https://aws.amazon.com/ec2/pricing/on-demand/ ; https://aws.amazon.com/ebs/pricing/ ; " +
    "https://aws.amazon.com/vpc/pricing/ (public IPv4) ; https://aws.amazon.com/cloudwatch/pricing/ ; " +
    "https://aws.amazon.com/ecr/pricing/ ; https://aws.amazon.com/systems-manager/pricing/ ; " +
    "https://aws.amazon.com/elasticloadbalancing/pricing/ ; https://aws.amazon.com/fargate/pricing/",
  fallbackRegion: "us-east-1",
  assumedEcrGbPerRepository: 1,
  defaultRootVolumeGb: 8,
  regions: {
    "us-east-1": {
      ec2Hourly: {
        "t4g.nano": 0.0042,
        "t4g.micro": 0.0084,
        "t4g.small": 0.0168,
        "t4g.medium": 0.0336,
        "t4g.large": 0.0672,
        "t4g.xlarge": 0.1344,
        "t4g.2xlarge": 0.2688,
        "t3.nano": 0.0052,
        "t3.micro": 0.0104,
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "t3.large": 0.0832,
        "t3.xlarge": 0.1664,
        "t3.2xlarge": 0.3328,
      },
      ebsGbMonth: { gp3: 0.08, gp2: 0.1 },
      publicIpv4Hourly: 0.005,
      alarmStandardMonthly: 0.1,
      alarmHighResolutionMonthly: 0.3,
      ecrGbMonth: 0.1,
      ssmAdvancedMonthly: 0.05,
      alb: { hourly: 0.0225, lcuHourly: 0.008 },
      fargate: {
        ARM64: { vcpuHourly: 0.03238, gbHourly: 0.00356 },
        X86_64: { vcpuHourly: 0.04048, gbHourly: 0.004445 },
      },
    },
    "eu-west-1": {
      ec2Hourly: {
        "t4g.nano": 0.0046,
        "t4g.micro": 0.0092,
        "t4g.small": 0.0184,
        "t4g.medium": 0.0368,
        "t4g.large": 0.0736,
        "t4g.xlarge": 0.1472,
        "t4g.2xlarge": 0.2944,
        "t3.nano": 0.0057,
        "t3.micro": 0.0114,
        "t3.small": 0.0228,
        "t3.medium": 0.0456,
        "t3.large": 0.0912,
        "t3.xlarge": 0.1824,
        "t3.2xlarge": 0.3648,
      },
      ebsGbMonth: { gp3: 0.088, gp2: 0.11 },
      publicIpv4Hourly: 0.005,
      alarmStandardMonthly: 0.1,
      alarmHighResolutionMonthly: 0.3,
      ecrGbMonth: 0.1,
      ssmAdvancedMonthly: 0.05,
      alb: { hourly: 0.0252, lcuHourly: 0.008 },
      fargate: {
        ARM64: { vcpuHourly: 0.03238, gbHourly: 0.00356 },
        X86_64: { vcpuHourly: 0.04048, gbHourly: 0.004445 },
      },
    },
  },
};
