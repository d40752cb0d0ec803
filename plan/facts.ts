/**
 * Known facts about the GitHub organization and the AWS account, committed beside the spec as
 * `facts.yaml`: the offline plan answers lookups (users, teams, the default VPC and its subnets,
 * the account, the zones offering an instance type) only from here. Whatever the program looks up that this file does not confirm is
 * still answered, so the plan runs on, but listed as an assumption in the text and the JSON.
 */
import * as path from "path";
import { z } from "zod";
import { keyPath, type SpecIssue } from "../components/team";
import { readYamlFile } from "../components/settings";
import type { Assumption } from "./contract";

export const FACTS_FILE = "facts.yaml";
/** `aws.defaultVpcs.<region>: none`: the account has no default VPC in that region. */
export const NO_DEFAULT_VPC = "none";

const subnetSchema = z.strictObject({
  id: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { message: "must be a subnet id (subnet-…)" }),
  availabilityZone: z.string().min(1),
  /** Launches get a public IPv4 address (MapPublicIpOnLaunch). */
  public: z.boolean().default(true),
});

const factsSchema = z.strictObject({
  github: z
    .strictObject({
      /** The organization these facts describe. */
      owner: z.string().min(1),
      /** Logins known to be members (or outside collaborators) of the organization. */
      users: z.array(z.string().min(1)).default([]),
      /** Team slugs known to exist in the organization. */
      teams: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  aws: z
    .strictObject({
      accountId: z.string().regex(/^[0-9]{12}$/, { message: "must be a 12-digit AWS account id" }),
      /** Partition of the account. @default aws */
      partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).default("aws"),
      /**
       * The default VPC of each region the team uses, with its subnets; `none` where the account
       * has none (deleted, or an account created without one): `aws ec2 describe-vpcs --filters
       * Name=is-default,Values=true` lists nothing there.
       */
      defaultVpcs: z
        .record(
          z.string(),
          z.union(
            [
              z.literal(NO_DEFAULT_VPC),
              z.strictObject({
                id: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { message: "must be a VPC id (vpc-…)" }),
                cidrBlock: z.string().default("172.31.0.0/16"),
                subnets: z.array(subnetSchema).min(1),
              }),
            ],
            { error: `must be "${NO_DEFAULT_VPC}" or a mapping of id, subnets and cidrBlock` },
          ),
        )
        .default({}),
      /**
       * Zones of each region that offer an instance type, as
       * `aws ec2 describe-instance-type-offerings --location-type availability-zone` lists them
       * (EC2 refuses a launch in a zone that does not offer the type). A type listed here is
       * confirmed in exactly those zones; a type not listed is assumed offered in every zone.
       */
      /**
       * AMIs the team pins (stack config `serverAmi`), as
       * `aws ec2 describe-images --image-ids <id>` reports them: `architecture`, and the size of
       * the root snapshot (`rootSnapshotGiB`: the `Ebs.VolumeSize` of the block device mapping
       * named by `RootDeviceName`) with that device name. EC2 refuses an instance whose root
       * volume is smaller than the snapshot (preflight aws-ec2-root-volume-snapshot). An AMI
       * listed without `rootSnapshotGiB` is planned with the standard Amazon Linux 2023 AMI's
       * 8 GiB, listed as an assumption; `rootDeviceName` defaults to Amazon Linux's `/dev/xvda`.
       * An AMI not listed here is planned with its architecture and snapshot unknown (an
       * assumption), so no preflight can compare them.
       */
      amis: z
        .record(
          z.string().regex(/^ami-[0-9a-f]{8,17}$/, { message: "must be an AMI id (ami-…)" }),
          z.strictObject({
            architecture: z.enum(["arm64", "x86_64"]),
            rootSnapshotGiB: z
              .number()
              .int({ message: "must be a whole number of GiB" })
              .min(1, { message: "must be at least 1 GiB" })
              .optional(),
            rootDeviceName: z
              .string()
              .regex(/^\/dev\/[a-z0-9]+$/, { message: "must be a device name such as /dev/xvda" })
              .optional(),
          }),
        )
        .default({}),
      /**
       * Root volumes of the team's servers that exist now, by their `Name` tag
       * (`<team>-<environment>-root`), in GiB, as `aws ec2 describe-volumes --filters
       * Name=tag:delivery:team,Values=<team> Name=status,Values=in-use --query
       * 'Volumes[].[Tags[?Key==`Name`]|[0].Value,Size]'` lists them. A server never asks for less
       * than its volume has (EC2 refuses to shrink one): the plan shows the larger size. `{}`: no
       * server exists yet. Without this key the plan assumes none exists, and says so.
       */
      rootVolumes: z
        .record(
          z.string().regex(/^[a-z0-9][a-z0-9-]*-root$/, {
            message: "must be a server root volume's Name tag, <team>-<environment>-root",
          }),
          // gp3: 1-16,384 GiB (Amazon EBS volume types).
          z.number().int().min(1).max(16384),
        )
        .optional(),
      instanceTypeOfferings: z
        .record(
          z.string(),
          z.record(
            z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
              message: "must be an EC2 instance type such as t4g.small",
            }),
            z.array(z.string().min(1)).min(1),
          ),
        )
        .default({}),
    })
    .optional(),
});

export type KnownFacts = z.output<typeof factsSchema>;

/** Facts of a project directory; `{}` (nothing known) without a facts file. */
export function readFacts(dir: string): { facts: KnownFacts; file?: string; issues: SpecIssue[] } {
  const file = path.join(dir, FACTS_FILE);
  const doc = readYamlFile(file);
  if (doc === undefined) return { facts: {}, issues: [] };
  const parsed = factsSchema.safeParse(doc);
  if (parsed.success) return { facts: parsed.data, file, issues: [] };
  return {
    facts: {},
    file,
    issues: parsed.error.issues.map((i) => ({ path: keyPath("facts", i.path), message: i.message })),
  };
}

/** Collects assumptions once per (kind, name). */
export class AssumptionLog {
  private readonly seen = new Map<string, Assumption>();

  add(a: Assumption): void {
    const key = `${a.kind}\u0000${a.name}`;
    if (!this.seen.has(key)) this.seen.set(key, a);
  }

  list(): Assumption[] {
    return [...this.seen.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    );
  }
}
