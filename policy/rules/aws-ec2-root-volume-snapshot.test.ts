import { al2023AmiParameter } from "../../components/release/platform";
import {
  AL2023_ROOT_SNAPSHOT_GIB,
  amiRootSnapshots,
  awsEc2RootVolumeSnapshot as rule,
} from "./aws-ec2-root-volume-snapshot";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";
import type { Lookup } from "../types";

const parameter = (name: string, ami: string): Lookup => ({
  token: "aws:ssm/getParameter:getParameter",
  inputs: { name },
  outputs: { value: ami },
});
/** getAmi's answer as @pulumi/aws gives it: `ebs` a map of strings, keys as the provider writes them. */
const getAmi = (id: string, rootGiB: number, rootDeviceName = "/dev/xvda"): Lookup => ({
  token: "aws:ec2/getAmi:getAmi",
  inputs: { filters: [{ name: "image-id", values: [id] }] },
  outputs: {
    id,
    imageId: id,
    rootDeviceName,
    blockDeviceMappings: [
      // An instance-store or data mapping listed first must not be taken for the root.
      { deviceName: "/dev/sdb", virtualName: "ephemeral0", noDevice: "", ebs: {} },
      {
        deviceName: rootDeviceName,
        virtualName: "",
        noDevice: "",
        ebs: { volume_size: String(rootGiB), snapshot_id: "snap-0123456789abcdef0", volume_type: "gp3" },
      },
    ],
  },
});
const instance = (ami: string, volumeSize?: unknown, tags: Record<string, string> = {}) =>
  res(
    T.instance,
    { instanceType: "t4g.small", ami, rootBlockDevice: volumeSize === undefined ? {} : { volumeSize }, tags },
    { stack: "production" },
  );

const PINNED = "ami-0fedcba9876543210";
const DEFAULT = "ami-0a1b2c3d4e5f60718";

describe(rule.id, () => {
  it("reads the root snapshot from getAmi's root mapping, and assumes the standard AL2023 AMI's", () => {
    const map = amiRootSnapshots([
      getAmi(PINNED, 30),
      getAmi("ami-0000000000000000a", 12, "/dev/sda1"),
      parameter(al2023AmiParameter("arm64"), DEFAULT),
      // Not the standard AMI (minimal, ECS-optimized): its snapshot is not assumed.
      parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64", "ami-0min"),
      parameter("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", "ami-0ecs"),
    ]);
    expect([...map]).toEqual([
      [PINNED, { gib: 30, deviceName: "/dev/xvda", assumed: false, pinned: true }],
      ["ami-0000000000000000a", { gib: 12, deviceName: "/dev/sda1", assumed: false, pinned: true }],
      [DEFAULT, { gib: AL2023_ROOT_SNAPSHOT_GIB, deviceName: "/dev/xvda", assumed: true, pinned: false }],
    ]);
    expect(AL2023_ROOT_SNAPSHOT_GIB).toBe(8);
  });

  it("refuses a root volume smaller than a pinned AMI's snapshot, with both sizes and the key", () => {
    const ctx = referenceContext({ lookups: [getAmi(PINNED, 30)] });
    expect(messages(rule, [instance(PINNED, 8)], ctx)).toEqual([
      `root volume of 8 GiB is smaller than the 30 GiB root snapshot of AMI ${PINNED}: EC2 refuses to launch it ` +
        `(InvalidBlockDeviceMapping: "Volume of size 8GB is smaller than snapshot …, expect size >= 30GB"). ` +
        "Set team.environments[2].rootVolumeGiB to 30 or more, or pin an AMI with a smaller root snapshot (stack config serverAmi)",
    ]);
    // One GiB short is still refused; equal or larger passes.
    expect(messages(rule, [instance(PINNED, 29)], ctx)).toHaveLength(1);
    expect(messages(rule, [instance(PINNED, 30)], ctx)).toEqual([]);
    expect(messages(rule, [instance(PINNED, 64)], ctx)).toEqual([]);
  });

  it("says the default AL2023 AMI's snapshot is assumed, and names only the volume key", () => {
    const ctx = referenceContext({ lookups: [parameter(al2023AmiParameter("arm64"), DEFAULT)] });
    expect(messages(rule, [instance(DEFAULT, 4)], ctx)).toEqual([
      `root volume of 4 GiB is smaller than the root snapshot of the latest Amazon Linux 2023 AMI ${DEFAULT}, ` +
        `assumed 8 GiB (the standard AL2023 AMI's): EC2 refuses to launch it ` +
        `(InvalidBlockDeviceMapping: "Volume of size 4GB is smaller than snapshot …, expect size >= 8GB"). ` +
        "Set team.environments[2].rootVolumeGiB to 8 or more",
    ]);
    expect(messages(rule, [instance(DEFAULT, 8)], ctx)).toEqual([]);
    expect(rule.description).toContain("assumed 8 GiB");
  });

  it("names team.previews.rootVolumeGiB for the previews' own server", () => {
    const ctx = referenceContext({ lookups: [getAmi(PINNED, 30)] });
    const team = ctx.spec!.name;
    expect(messages(rule, [instance(PINNED, 16, { Name: `${team}-production-previews` })], ctx)).toEqual([
      expect.stringContaining("Set team.previews.rootVolumeGiB to 30 or more"),
    ]);
    expect(messages(rule, [instance(PINNED, 16, { Name: `${team}-production` })], ctx)).toEqual([
      expect.stringContaining("Set team.environments[2].rootVolumeGiB to 30 or more"),
    ]);
  });

  it("reads a launch template's mapping for the AMI's root device", () => {
    const ctx = referenceContext({ lookups: [getAmi(PINNED, 30)] });
    const template = (deviceName: string, volumeSize: number) =>
      res(
        T.launchTemplate,
        { imageId: PINNED, blockDeviceMappings: [{ deviceName, ebs: { volumeSize } }] },
        { stack: "production" },
      );
    expect(messages(rule, [template("/dev/xvda", 20)], ctx)).toEqual([
      expect.stringContaining("root volume of 20 GiB is smaller than the 30 GiB root snapshot"),
    ]);
    // A mapping for another device does not size the root volume.
    expect(messages(rule, [template("/dev/sdf", 20)], ctx)).toEqual([]);
  });

  it("stays silent where it cannot know: unknown AMI, no size asked, size not known yet, no size in the answer", () => {
    const ctx = referenceContext({ lookups: [getAmi(PINNED, 30)] });
    expect(messages(rule, [instance("ami-0unknown0000000", 4)], ctx)).toEqual([]);
    expect(messages(rule, [instance("ami-0unknown0000000", 4)], referenceContext())).toEqual([]);
    expect(messages(rule, [instance(PINNED)], ctx)).toEqual([]);
    expect(messages(rule, [instance(PINNED, "[unknown]")], ctx)).toEqual([]);
    const noSize: Lookup = {
      token: "aws:ec2/getAmi:getAmi",
      inputs: {},
      outputs: { id: PINNED, rootDeviceName: "/dev/xvda", blockDeviceMappings: [] },
    };
    expect(messages(rule, [instance(PINNED, 4)], referenceContext({ lookups: [noSize] }))).toEqual([]);
  });
});
