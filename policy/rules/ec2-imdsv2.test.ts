import { ec2Imdsv2 as rule } from "./ec2-imdsv2";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes httpTokens required (instance and launch template) and a disabled endpoint", () => {
    expect(
      messages(rule, [
        res(T.instance, { metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" } }),
      ]),
    ).toEqual([]);
    expect(messages(rule, [res(T.launchTemplate, { metadataOptions: { httpTokens: "required" } })])).toEqual(
      [],
    );
    expect(messages(rule, [res(T.instance, { metadataOptions: { httpEndpoint: "disabled" } })])).toEqual([]);
  });
  it("fires on optional tokens and on missing metadata options", () => {
    expect(messages(rule, [res(T.instance, { metadataOptions: { httpTokens: "optional" } })])).toEqual([
      'metadataOptions.httpTokens is "optional"; set "required"',
    ]);
    expect(messages(rule, [res(T.launchTemplate, {})])).toHaveLength(1);
  });
});
