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
}

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
  source:
    "https://aws.amazon.com/ec2/pricing/on-demand/ ; https://aws.amazon.com/ebs/pricing/ ; " +
    "https://aws.amazon.com/vpc/pricing/ (public IPv4) ; https://aws.amazon.com/cloudwatch/pricing/ ; " +
    "https://aws.amazon.com/ecr/pricing/ ; https://aws.amazon.com/systems-manager/pricing/",
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
        "t3.nano": 0.0052,
        "t3.micro": 0.0104,
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "t3.large": 0.0832,
      },
      ebsGbMonth: { gp3: 0.08, gp2: 0.1 },
      publicIpv4Hourly: 0.005,
      alarmStandardMonthly: 0.1,
      alarmHighResolutionMonthly: 0.3,
      ecrGbMonth: 0.1,
      ssmAdvancedMonthly: 0.05,
    },
    "eu-west-1": {
      ec2Hourly: {
        "t4g.nano": 0.0046,
        "t4g.micro": 0.0092,
        "t4g.small": 0.0184,
        "t4g.medium": 0.0368,
        "t4g.large": 0.0736,
        "t3.nano": 0.0057,
        "t3.micro": 0.0114,
        "t3.small": 0.0228,
        "t3.medium": 0.0456,
        "t3.large": 0.0912,
      },
      ebsGbMonth: { gp3: 0.088, gp2: 0.11 },
      publicIpv4Hourly: 0.005,
      alarmStandardMonthly: 0.1,
      alarmHighResolutionMonthly: 0.3,
      ecrGbMonth: 0.1,
      ssmAdvancedMonthly: 0.05,
    },
  },
};
