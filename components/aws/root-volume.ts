/**
 * A server's root volume never shrinks.
 *
 * terraform-provider-aws changes `root_block_device.volume_size` of an `aws_instance` in place:
 * internal/service/ec2/ec2_instance.go, resourceInstanceUpdate, `if
 * d.HasChange("root_block_device.0.volume_size")` sets `ModifyVolumeInput.Size` and calls
 * ModifyVolume, then waits for the modification (in place since hashicorp/terraform-provider-aws
 * #12620; before it, the change replaced the instance). EC2 refuses a smaller size: "An error
 * occurred (InvalidParameterValue) when calling the ModifyVolume operation: New size cannot be
 * smaller than existing size" (aws/aws-cli#4216; ModifyVolume API reference: "The target size of
 * the volume, in GiB. The target volume size must be greater than or equal to the existing size of
 * the volume"). So once the wanted size drops below what a server already has (a smaller default,
 * fewer services, or a volume an operator grew by hand), every `pulumi up` would fail there.
 *
 * The size given to the instance is therefore the larger of the wanted size and the size of the
 * environment's root volume(s) that exist now, found by the tags the instance puts on its root
 * volume (environment-server.ts, `rootBlockDevice.tags`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "./sdk";

/** The `Name` tag of an environment server's root volume: `<team>-<environment>-root`. */
export function serverRootVolumeName(team: string, environment: string): string {
  return `${team}-${environment}-root`;
}

/**
 * The size to ask for: `wanted`, unless a volume that exists is larger, then that one's size.
 * EC2 refuses to shrink a volume, so a size below an existing one can never be applied.
 */
export function keepLargerVolume(wanted: number, existing: readonly number[]): number {
  return Math.max(wanted, ...existing);
}

export interface RootVolumeSizeArgs {
  readonly team: string;
  readonly environment: string;
  /** The size the spec asks for, in GiB. */
  readonly wantedGiB: number;
}

/**
 * The root volume size of the environment's server: the wanted size, or the size of its existing
 * root volume where that is larger (see the module comment).
 *
 * Two lookups, both through the caller's provider (`opts`, usually `{ parent: this }`):
 * - `aws.ebs.getEbsVolumes` (data source aws_ebs_volumes: DescribeVolumes with the tags as
 *   `tag:<key>` filters; internal/service/ec2/ebs_volumes_data_source.go sets `ids` to whatever
 *   matched, so no match is an empty list, not an error: a new environment). Only volumes
 *   `in-use`, attached to an instance: a stopped server's volume stays attached; a detached
 *   leftover with the same tags constrains nothing.
 * - `aws.ebs.getVolume` per id found, for its `size` (data source aws_ebs_volume: exactly one
 *   match by `volume-id`; zero is an error, "Your query returned no results", which only a volume
 *   deleted between the two calls could cause).
 *
 * An AMI change replaces the server create-before-delete: the new server is planned while the old
 * one's volume still exists, so it starts at least that large. That is intended: what the old
 * server needed, the new one gets; a smaller disk only ever comes from a new environment.
 */
export function rootVolumeGiB(
  args: RootVolumeSizeArgs,
  opts: pulumi.InvokeOutputOptions,
): pulumi.Output<number> {
  const found = aws.ebs.getEbsVolumesOutput(
    {
      tags: { Name: serverRootVolumeName(args.team, args.environment), "delivery:team": args.team },
      filters: [{ name: "status", values: ["in-use"] }],
    },
    opts,
  );
  return found.ids.apply((ids) =>
    pulumi
      .all(
        (ids ?? []).map(
          (id) => aws.ebs.getVolumeOutput({ filters: [{ name: "volume-id", values: [id] }] }, opts).size,
        ),
      )
      .apply((sizes) => keepLargerVolume(args.wantedGiB, sizes)),
  );
}
