import { ec2NoKeyPair as rule } from "./ec2-no-key-pair";
import { messages, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes instances without a key pair", () => {
    expect(messages(rule, [res(T.instance, { instanceType: "t4g.micro" })])).toEqual([]);
  });
  it("fires on a key pair on an instance or a launch template", () => {
    expect(messages(rule, [res(T.instance, { keyName: "ops" })])).toEqual([
      'keyName is "ops"; remove it and use SSM Session Manager',
    ]);
    expect(messages(rule, [res(T.launchTemplate, { keyName: "ops" })])).toHaveLength(1);
  });
});
