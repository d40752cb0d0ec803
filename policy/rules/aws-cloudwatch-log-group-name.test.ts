import { awsCloudwatchLogGroupName as rule } from "./aws-cloudwatch-log-group-name";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

describe(rule.id, () => {
  it("passes the server's log group", () => {
    expect(messages(rule, [res(T.logGroup, { name: "/delivery/checkout/production/server" })])).toEqual([]);
  });
  it("fires on length, characters and the reserved aws/ prefix", () => {
    expect(
      messages(
        rule,
        [res(T.logGroup, { name: `/delivery/checkout/${"x".repeat(500)}` })],
        referenceContext(),
      ),
    ).toEqual(["name is 519 characters; CloudWatch Logs takes 1 to 512 (from team.name)"]);
    expect(messages(rule, [res(T.logGroup, { name: "/a b" })])[0]).toMatch(/may hold only/);
    expect(messages(rule, [res(T.logGroup, { name: "aws/lambda/x" })])).toEqual([
      'name "aws/lambda/x" starts with "aws/", reserved for AWS services',
    ]);
  });
});
