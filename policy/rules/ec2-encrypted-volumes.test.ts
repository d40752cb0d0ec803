import { ec2EncryptedVolumes as rule } from "./ec2-encrypted-volumes";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes an encrypted gp3 root volume and encrypted template mappings", () => {
    expect(
      messages(rule, [res(T.instance, { rootBlockDevice: { encrypted: true, volumeType: "gp3" } })]),
    ).toEqual([]);
    expect(
      messages(rule, [
        res(T.launchTemplate, {
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
        }),
      ]),
    ).toEqual([]);
  });
  it("fires on an unencrypted or unset root volume and an unencrypted extra volume", () => {
    expect(messages(rule, [res(T.instance, { rootBlockDevice: { encrypted: false } })])).toEqual([
      "rootBlockDevice.encrypted is not true",
    ]);
    expect(messages(rule, [res(T.instance, {})])).toEqual(["rootBlockDevice.encrypted is not true"]);
    expect(
      messages(rule, [
        res(T.instance, {
          rootBlockDevice: { encrypted: true },
          ebsBlockDevices: [{ deviceName: "/dev/sdf" }],
        }),
      ]),
    ).toEqual(["ebsBlockDevices[0].encrypted is not true"]);
    expect(
      messages(rule, [res(T.launchTemplate, { blockDeviceMappings: [{ ebs: { volumeSize: 8 } }] })]),
    ).toHaveLength(1);
  });
});
