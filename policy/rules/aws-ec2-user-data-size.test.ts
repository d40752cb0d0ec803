import { awsEc2UserDataSize as rule, USER_DATA_LIMIT_BYTES } from "./aws-ec2-user-data-size";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes user data of exactly 16 KB, raw or base64", () => {
    const exact = "x".repeat(USER_DATA_LIMIT_BYTES);
    expect(messages(rule, [res(T.instance, { userData: exact })])).toEqual([]);
    expect(
      messages(rule, [res(T.instance, { userDataBase64: Buffer.from(exact).toString("base64") })]),
    ).toEqual([]);
    expect(
      messages(rule, [res(T.launchTemplate, { userData: Buffer.from(exact).toString("base64") })]),
    ).toEqual([]);
  });
  it("fires one byte over, counting UTF-8 bytes, and names team.services", () => {
    // 8,193 two-byte characters: 16,386 bytes although only 8,193 characters.
    const over = "é".repeat(8193);
    expect(messages(rule, [res(T.instance, { userData: over })], referenceContext())).toEqual([
      "userData is 16,386 bytes; EC2 accepts at most 16,384 (16 KB, raw, before base64). It grows with team.services (2 services) on this server: run fewer services per environment server (split the team) or deliver the deploy agent by SSM instead of user data",
    ]);
    const b64 = Buffer.from("y".repeat(USER_DATA_LIMIT_BYTES + 1)).toString("base64");
    expect(messages(rule, [res(T.launchTemplate, { userData: b64 })])[0]).toMatch(
      /^userData is 16,385 bytes/,
    );
  });
  it("does not judge unknown user data", () => {
    expect(messages(rule, [res(T.instance, { userData: "[unknown]" })])).toEqual([]);
  });
});
