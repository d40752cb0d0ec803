import { githubAppPermissions as rule } from "./github-app-permissions";
import { githubAppPermissionsNeeded as advice } from "./github-app-permissions-needed";
import { messages, res } from "../testing";
import { T } from "./util";

const stack = res("pulumi:pulumi:Stack", {}, { name: "delivery-workflow-shared" });
const resources = [
  stack,
  res(T.ghRepository, { name: "cart-api" }),
  res(T.ghRepositoryFile, { file: ".github/workflows/deploy.yml", repository: "cart-api" }),
  res(T.ghRuleset, { name: "protect main" }),
];

describe(rule.id, () => {
  it("passes when the declared permissions cover what the stack needs", () => {
    const granted = { administration: "write", contents: "write", workflows: "write", metadata: "read" };
    expect(messages(rule, resources, { githubAppPermissions: granted })).toEqual([]);
  });
  it("fires on a missing workflows permission and a read-only one", () => {
    expect(
      messages(rule, resources, { githubAppPermissions: { administration: "read", contents: "write" } }),
    ).toEqual([
      'the GitHub App lacks administration: write, metadata: read, workflows: write (delivery-workflow:githubAppPermissions declares administration: read, contents: write); GitHub answers 403 "Resource not accessible by integration". Grant them in the App\'s settings, then update the declaration',
    ]);
  });
  it("stays silent without a declaration; the advisory rule lists the needs instead", () => {
    expect(messages(rule, resources)).toEqual([]);
    expect(messages(advice, resources)).toEqual([
      "this stack needs a GitHub App with administration: write, contents: write, metadata: read, workflows: write; declare what the App was granted in delivery-workflow:githubAppPermissions and the plan checks it",
    ]);
    expect(messages(advice, resources, { githubAppPermissions: {} })).toEqual([]);
  });
  it("needs no workflows permission for files outside .github/workflows", () => {
    const plain = [stack, res(T.ghRepositoryFile, { file: "CODEOWNERS" })];
    expect(messages(advice, plain)[0]).toMatch(/needs a GitHub App with contents: write, metadata: read;/);
  });
});
