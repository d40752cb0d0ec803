/**
 * aws-ssm-document-limits — Systems Manager refuses documents past its limits
 * (`CreateDocument`, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html,
 * read through the SDK docs generated from its model): "The content of the document must not
 * exceed 64KB" (`MaxDocumentSizeExceeded`: "The size limit of a document is 64 KB"); names are
 * 3-128 characters of `a-zA-Z0-9_-.` and may not start with the reserved prefixes `aws`,
 * `amazon` or `amzn`; `DocumentLimitExceeded`: "You can have at most 500 active SSM documents"
 * (per account and region: counted here per stack, a lower bound when several environment
 * stacks share an account). Judged on every `aws.ssm.Document`. Mandatory.
 */
import type { Finding, StackRule } from "../types";
import { fromKeys, n, physicalName, servicesKey } from "./preflight";
import { ofType, str, T } from "./util";

const CONTENT_MAX = 64 * 1024;
const DOCUMENTS_MAX = 500;

export const awsSsmDocumentLimits: StackRule = {
  kind: "stack",
  id: "aws-ssm-document-limits",
  description:
    "SSM documents stay within 64 KB, 3-128 name characters without reserved prefixes, and 500 per account.",
  mirrors: "AWS Systems Manager CreateDocument constraints (preflight)",
  level: "mandatory",
  check(resources, ctx) {
    const documents = ofType(resources, T.ssmDocument);
    const findings: Finding[] = [];
    for (const d of documents) {
      const say = (message: string) => findings.push({ urn: d.urn, message });
      const content = str(d.inputs.content);
      if (content !== undefined) {
        const bytes = Buffer.byteLength(content, "utf8");
        if (bytes > CONTENT_MAX)
          say(
            `document ${d.name}: content is ${n(bytes)} bytes; Systems Manager allows ${n(CONTENT_MAX)} (64 KB)` +
              // A server's boot document carries every service's settings.
              (/-boot$/.test(physicalName(d)?.name ?? "")
                ? `; it grows with team.services (${ctx.spec?.services.length ?? "?"} services on one server): split them across environments or run this environment on Kubernetes (runtime: kubernetes)`
                : ""),
          );
      }
      const name = physicalName(d);
      if (!name) continue;
      const keys = fromKeys(d.name, ctx);
      if (name.length < 3 || name.length > 128)
        say(
          `document name ${JSON.stringify(name.name)} is ${name.length} characters; Systems Manager takes 3 to 128${keys}`,
        );
      if (name.generated === "no" && !/^[a-zA-Z0-9_.-]+$/.test(name.name))
        say(`document name ${JSON.stringify(name.name)} may hold only a-z, A-Z, 0-9 and _ - .${keys}`);
      if (/^(aws|amazon|amzn)/i.test(name.name))
        say(
          `document name ${JSON.stringify(name.name)} starts with a prefix AWS reserves (aws, amazon, amzn)${keys}`,
        );
    }
    if (documents.length > DOCUMENTS_MAX)
      findings.push({
        urn: documents[0].urn,
        message:
          `this stack creates ${documents.length} SSM documents; an account holds at most ${DOCUMENTS_MAX} active ones ` +
          `(DocumentLimitExceeded). One per service: ${servicesKey(ctx)}`,
      });
    return findings;
  },
};
