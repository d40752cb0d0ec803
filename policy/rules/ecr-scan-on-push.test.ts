import { ecrScanOnPush as rule } from "./ecr-scan-on-push";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes scanOnPush: true", () => {
    expect(
      messages(rule, [res(T.ecrRepository, { imageScanningConfiguration: { scanOnPush: true } })]),
    ).toEqual([]);
  });
  it("fires when scanning is off or unset", () => {
    expect(
      messages(rule, [res(T.ecrRepository, { imageScanningConfiguration: { scanOnPush: false } })]),
    ).toEqual(["imageScanningConfiguration.scanOnPush is not true"]);
    expect(messages(rule, [res(T.ecrRepository, {})])).toHaveLength(1);
  });
});
