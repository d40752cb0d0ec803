import { awsSsmDocumentLimits as rule } from "./aws-ssm-document-limits";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

const doc = (inputs: Record<string, unknown>, name = "checkout-production-cart-api-deploy") =>
  res(T.ssmDocument, { documentType: "Command", content: "{}", ...inputs }, { name, stack: "production" });

describe(rule.id, () => {
  it("passes a deploy document of 64 KB with an ordinary name", () => {
    expect(
      messages(rule, [doc({ name: "checkout-production-cart-api-deploy", content: "x".repeat(65536) })]),
    ).toEqual([]);
  });
  it("fires on content over 64 KB, reserved prefixes, bad characters and long names", () => {
    const ctx = referenceContext();
    expect(messages(rule, [doc({ name: "ok-name", content: "x".repeat(65537) })])).toEqual([
      "document checkout-production-cart-api-deploy: content is 65,537 bytes; Systems Manager allows 65,536 (64 KB)",
    ]);
    expect(messages(rule, [doc({ name: "AWS-RunShellScript" })])).toEqual([
      'document name "AWS-RunShellScript" starts with a prefix AWS reserves (aws, amazon, amzn)',
    ]);
    expect(messages(rule, [doc({ name: "a/b" })])[0]).toMatch(/may hold only/);
    expect(messages(rule, [doc({ name: "c".repeat(129) })], ctx)[0]).toBe(
      `document name "${"c".repeat(129)}" is 129 characters; Systems Manager takes 3 to 128 (from team.name, team.environments[2].name, team.services[0].name)`,
    );
  });
  it("fires when one stack creates more than 500 documents", () => {
    const many = Array.from({ length: 501 }, (_, i) => doc({ name: `d-${i}` }, `d-${i}`));
    expect(messages(rule, many, referenceContext())).toEqual([
      "this stack creates 501 SSM documents; an account holds at most 500 active ones (DocumentLimitExceeded). One per service: team.services (2 services)",
    ]);
  });
});
