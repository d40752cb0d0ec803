/**
 * aws-ec2-root-volume-snapshot — a root volume is at least as large as the AMI's root snapshot:
 * EC2 refuses `RunInstances` otherwise, with `InvalidBlockDeviceMapping: Volume of size 15GB is
 * smaller than snapshot 'snap-…', expect size >= 30GB` (as reported in scylladb/scylladb#6999;
 * the ECS-optimized Amazon Linux AMIs carry a 30 GB root snapshot: amazonlinux/amazon-linux-2023#268,
 * aws/containers-roadmap#134). The EC2 API Reference, `EbsBlockDevice.VolumeSize`: "If you
 * specify a snapshot, the default is the snapshot size. You can specify a volume size that is
 * equal to or larger than the snapshot size."
 *
 * The snapshot's size comes from the lookup that resolved the AMI:
 * - a pinned AMI (`aws.ec2.getAmi`, stack config `serverAmi`): the `blockDeviceMappings` entry
 *   whose `deviceName` is the AMI's `rootDeviceName`, its `ebs.volume_size`. `ebs` is a map of
 *   strings whose keys the provider keeps as terraform-provider-aws writes them
 *   (`flattenAMIBlockDeviceMappings` in internal/service/ec2/ec2_ami_data_source.go: `volume_size`,
 *   `snapshot_id`, …; `GetAmiBlockDeviceMapping.ebs` in @pulumi/aws is `{ [key: string]: string }`),
 *   so the size is the string "30"; `volumeSize` is read too.
 * - the latest standard Amazon Linux 2023 AMI (`al2023AmiParameter(arch)`, the public SSM
 *   parameter `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-…`): the parameter names
 *   only the AMI id, so its snapshot is ASSUMED to be {@link AL2023_ROOT_SNAPSHOT_GIB} GiB on
 *   `/dev/xvda`, the standard (not minimal, not ECS-optimized) AL2023 AMI's (amazonlinux/amazon-linux-2023#63:
 *   "The non-minimal AMI uses an 8GB snapshot boot drive"; #268: 8 GB volumes launch). The
 *   message says when the size was assumed.
 *
 * Where no lookup names the AMI (the real policy pack sees no invokes), or the lookup does not
 * say its root snapshot's size, the rule cannot know and stays silent. A root volume without a
 * size gets the snapshot's and is never refused. Mandatory.
 */
import { AMI_ROOT_SNAPSHOT_GIB } from "../../components/team/server-disk";
import type { CheckedResource, Lookup, ResourceRule, RuleContext } from "../types";
import { environmentKey } from "./preflight";
import { arr, obj, str, T } from "./util";

/**
 * Root snapshot of the standard Amazon Linux 2023 AMI, GiB: an assumption (see the header), the
 * same the server's disk sizing floors at (team/server-disk.ts). The offline plan's fake `getAmi`
 * answers it for an AMI facts.yaml lists without `rootSnapshotGiB`.
 */
export const AL2023_ROOT_SNAPSHOT_GIB = AMI_ROOT_SNAPSHOT_GIB;
/** Root device of the Amazon Linux 2023 AMIs. */
export const AL2023_ROOT_DEVICE_NAME = "/dev/xvda";

/** The standard AL2023 AMI's parameters (any kernel, either architecture); not minimal or ECS. */
const AL2023_STANDARD_PARAMETER =
  /^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-[^/]+-(?:arm64|x86_64)$/;

/** What the lookups say about one AMI's root snapshot. */
export interface RootSnapshot {
  /** Size, GiB. */
  readonly gib: number;
  /** The AMI's root device (a launch template's mapping for it overrides the snapshot's size). */
  readonly deviceName: string;
  /** True where the size is the standard AL2023 AMI's assumed size, not an answer about this AMI. */
  readonly assumed: boolean;
  /** The AMI was pinned (looked up by `aws.ec2.getAmi`), so another AMI can be pinned instead. */
  readonly pinned: boolean;
}

/** A whole number of GiB from a number or a numeric string ("30"), else undefined. */
function gib(v: unknown): number | undefined {
  const value = typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : v;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** AMI id → its root snapshot, from the lookups the program made. */
export function amiRootSnapshots(lookups: readonly Lookup[] = []): Map<string, RootSnapshot> {
  const out = new Map<string, RootSnapshot>();
  for (const l of lookups) {
    if (l.token === "aws:ssm/getParameter:getParameter") {
      const ami = str(l.outputs.value) ?? str(l.outputs.insecureValue);
      if (ami && AL2023_STANDARD_PARAMETER.test(String(l.inputs.name ?? "")))
        out.set(ami, {
          gib: AL2023_ROOT_SNAPSHOT_GIB,
          deviceName: AL2023_ROOT_DEVICE_NAME,
          assumed: true,
          pinned: false,
        });
    } else if (l.token === "aws:ec2/getAmi:getAmi") {
      const id = str(l.outputs.id) ?? str(l.outputs.imageId);
      const root = str(l.outputs.rootDeviceName);
      if (!id || !root) continue;
      const mapping = arr(l.outputs.blockDeviceMappings)
        .map(obj)
        .find((m) => m !== undefined && m.deviceName === root);
      const ebs = obj(mapping?.ebs);
      const size = gib(ebs?.volume_size) ?? gib(ebs?.volumeSize);
      if (size !== undefined) out.set(id, { gib: size, deviceName: root, assumed: false, pinned: true });
    }
  }
  return out;
}

/**
 * The root volume size the resource asks for, GiB; undefined where it asks for none (EC2 then
 * uses the snapshot's) or the value is not known yet.
 */
function requestedRootGiB(r: CheckedResource, snapshot: RootSnapshot): number | undefined {
  if (r.type === T.instance) return gib(obj(r.inputs.rootBlockDevice)?.volumeSize);
  const mapping = arr(r.inputs.blockDeviceMappings)
    .map(obj)
    .find((m) => m !== undefined && m.deviceName === snapshot.deviceName);
  return gib(obj(mapping?.ebs)?.volumeSize);
}

/**
 * The team-spec key that sizes this server's root volume: the previews' own server
 * (`<team>-<environment>-previews`, tagged Name) takes `team.previews.rootVolumeGiB`, an
 * environment's server `team.environments[i].rootVolumeGiB`.
 */
function rootVolumeKey(r: CheckedResource, ctx: RuleContext): string {
  const name = str(obj(r.inputs.tags)?.Name) ?? "";
  const previews =
    ctx.spec && ctx.environment
      ? name === `${ctx.spec.name}-${ctx.environment}-previews`
      : name.endsWith("-previews");
  if (previews) return "team.previews.rootVolumeGiB";
  const env = environmentKey(ctx);
  return env ? `${env}.rootVolumeGiB` : "team.environments[].rootVolumeGiB";
}

export const awsEc2RootVolumeSnapshot: ResourceRule = {
  kind: "resource",
  id: "aws-ec2-root-volume-snapshot",
  description:
    "An instance's root volume is at least its AMI's root snapshot (EC2 refuses the launch otherwise); " +
    `the latest standard Amazon Linux 2023 AMI's snapshot is assumed ${AL2023_ROOT_SNAPSHOT_GIB} GiB.`,
  mirrors: "AWS EC2 RunInstances refusal InvalidBlockDeviceMapping (preflight)",
  level: "mandatory",
  types: [T.instance, T.launchTemplate],
  check(r, ctx) {
    const ami = r.type === T.instance ? str(r.inputs.ami) : str(r.inputs.imageId);
    if (!ami) return [];
    const snapshot = amiRootSnapshots(ctx.lookups).get(ami);
    if (!snapshot) return [];
    const size = requestedRootGiB(r, snapshot);
    if (size === undefined || size >= snapshot.gib) return [];
    const of = snapshot.assumed
      ? `the root snapshot of the latest Amazon Linux 2023 AMI ${ami}, assumed ${snapshot.gib} GiB (the standard AL2023 AMI's)`
      : `the ${snapshot.gib} GiB root snapshot of AMI ${ami}`;
    const fix = `Set ${rootVolumeKey(r, ctx)} to ${snapshot.gib} or more${snapshot.pinned ? ", or pin an AMI with a smaller root snapshot (stack config serverAmi)" : ""}`;
    return [
      `root volume of ${size} GiB is smaller than ${of}: EC2 refuses to launch it ` +
        `(InvalidBlockDeviceMapping: "Volume of size ${size}GB is smaller than snapshot …, expect size >= ${snapshot.gib}GB"). ${fix}`,
    ];
  },
};
