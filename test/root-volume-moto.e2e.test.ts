/**
 * The root volume lookup (components/aws/root-volume.ts) against moto, a local AWS API on loopback
 * (scripts/test-tools.sh): the DescribeVolumes requests the two data sources send find the root
 * volume RunInstances created with the server's block device mapping and tags, and nothing else.
 *
 * The requests are written out here as terraform-provider-aws builds them: aws_ebs_volumes turns
 * `tags` into one `tag:<key>` filter each and appends `filter` blocks as they are
 * (internal/service/ec2/ebs_volumes_data_source.go, newTagFilterList + newCustomFilterList);
 * aws_ebs_volume sends its `filter` blocks (ebs_volume_data_source.go). moto does not refuse a
 * smaller ModifyVolume size as EC2 does, so this proves the lookup, not the refusal.
 */
import { keepLargerVolume, serverRootVolumeName } from "../components/aws/root-volume";
import { MotoServer } from "./moto-harness";

describe("the root volume lookup finds what RunInstances created (moto server on loopback)", () => {
  const moto = new MotoServer();
  const ok = (...args: string[]) => moto.ok(...args);
  const name = serverRootVolumeName("checkout", "production");

  /** aws.ebs.getEbsVolumes as rootVolumeGiB calls it: the Name and team tags, in-use only. */
  const rootVolumeIds = (team = "checkout"): string[] =>
    ok(
      "ec2",
      "describe-volumes",
      "--filters",
      `Name=tag:Name,Values=${serverRootVolumeName(team, "production")}`,
      `Name=tag:delivery:team,Values=${team}`,
      "Name=status,Values=in-use",
    ).Volumes.map((v: { VolumeId: string }) => v.VolumeId);
  /** aws.ebs.getVolume by volume-id: its size. */
  const sizeOf = (id: string): number => {
    const { Volumes } = ok("ec2", "describe-volumes", "--filters", `Name=volume-id,Values=${id}`);
    expect(Volumes).toHaveLength(1);
    return Volumes[0].Size;
  };
  const rootVolumeGiB = (wanted: number) => keepLargerVolume(wanted, rootVolumeIds().map(sizeOf));

  beforeAll(() => moto.start(), 60_000);
  afterAll(() => moto.stop());

  it("a fresh account: no volume, the wanted size", () => {
    expect(rootVolumeIds()).toEqual([]);
    expect(rootVolumeGiB(8)).toBe(8);
  });

  it("a server launched at 16 GiB keeps 16 when 8 is wanted; a detached leftover and another team's server change nothing", () => {
    // Any arm64 AMI moto knows (its list is over spawnSync's 1 MB buffer unless queried).
    const ami: string = ok(
      "ec2",
      "describe-images",
      "--owners",
      "amazon",
      "--query",
      "Images[?Architecture=='arm64']|[0].ImageId",
    );
    const launch = (team: string, size: number) =>
      ok(
        "ec2",
        "run-instances",
        "--image-id",
        ami,
        "--instance-type",
        "t4g.small",
        // What environment-server.ts gives the instance: rootBlockDevice (gp3, encrypted) and its tags.
        "--block-device-mappings",
        `DeviceName=/dev/xvda,Ebs={VolumeSize=${size},VolumeType=gp3,Encrypted=true,DeleteOnTermination=true}`,
        "--tag-specifications",
        `ResourceType=volume,Tags=[{Key=Name,Value=${serverRootVolumeName(team, "production")}},{Key=delivery:team,Value=${team}},{Key=environment,Value=production}]`,
      ).Instances[0];
    const server = launch("checkout", 16);
    launch("payments", 40);
    // A volume with the same tags, not attached (a snapshot restored by hand, say): "available".
    ok(
      "ec2",
      "create-volume",
      "--availability-zone",
      "eu-west-1a",
      "--size",
      "100",
      "--tag-specifications",
      `ResourceType=volume,Tags=[{Key=Name,Value=${name}},{Key=delivery:team,Value=checkout}]`,
    );

    const root = server.BlockDeviceMappings.find((m: { DeviceName: string }) => m.DeviceName === "/dev/xvda");
    expect(rootVolumeIds()).toEqual([root.Ebs.VolumeId]);
    expect(rootVolumeGiB(8)).toBe(16);
    expect(rootVolumeGiB(30)).toBe(30);

    // Grown by hand to 24: kept.
    ok("ec2", "modify-volume", "--volume-id", root.Ebs.VolumeId, "--size", "24");
    expect(rootVolumeGiB(16)).toBe(24);

    // The recipe facts.yaml documents for aws.rootVolumes lists exactly that volume.
    const listed = ok(
      "ec2",
      "describe-volumes",
      "--filters",
      "Name=tag:delivery:team,Values=checkout",
      "Name=status,Values=in-use",
      "--query",
      "Volumes[].[Tags[?Key==`Name`]|[0].Value,Size]",
    );
    expect(listed).toEqual([[name, 24]]);
  });
});
