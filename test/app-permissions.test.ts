/**
 * The GitHub App permissions the stacks' resources need (components/github/app-permissions.ts):
 * a pure function of type tokens, checked against GitHub's documented endpoint permissions.
 */
import {
  missingAppPermissions,
  requiredAppPermissions,
  unknownGithubTypes,
} from "../components/github/app-permissions";

const T = (name: string) => `github:index/${name[0].toLowerCase()}${name.slice(1)}:${name}`;

describe("requiredAppPermissions", () => {
  it("always includes metadata: read, and nothing for non-GitHub types", () => {
    expect(requiredAppPermissions(["aws:ecr/repository:Repository"])).toEqual({ metadata: "read" });
  });
  it("needs contents and workflows for workflow files, contents alone otherwise", () => {
    expect(requiredAppPermissions([T("RepositoryFile")])).toEqual({
      contents: "write",
      metadata: "read",
      workflows: "write",
    });
    expect(requiredAppPermissions([T("RepositoryFile")], { workflowFiles: false })).toEqual({
      contents: "write",
      metadata: "read",
    });
  });
  it("maps teams to organization members and team repositories to members and administration", () => {
    expect(requiredAppPermissions([T("Team"), T("TeamMembers")])).toEqual({
      members: "write",
      metadata: "read",
    });
    expect(requiredAppPermissions([T("TeamRepository")])).toEqual({
      administration: "write",
      members: "write",
      metadata: "read",
    });
  });
  it("maps rulesets, environments and deployment policies to administration; variables and secrets to theirs", () => {
    expect(
      requiredAppPermissions([
        T("RepositoryRuleset"),
        T("RepositoryEnvironment"),
        "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
        T("ActionsVariable"),
        T("ActionsEnvironmentVariable"),
        T("ActionsEnvironmentSecret"),
        T("ActionsSecret"),
        T("DependabotSecret"),
      ]),
    ).toEqual({
      administration: "write",
      dependabot_secrets: "write",
      environments: "write",
      metadata: "read",
      secrets: "write",
      variables: "write",
    });
  });
  it("lists GitHub types it does not know, and what a grant lacks", () => {
    expect(unknownGithubTypes([T("Repository"), T("RepositoryWebhook"), "aws:x/y:Z"])).toEqual([
      T("RepositoryWebhook"),
    ]);
    expect(
      missingAppPermissions(
        { administration: "write", metadata: "read" },
        { administration: "read", metadata: "read" },
      ),
    ).toEqual({ administration: "write" });
  });
});
