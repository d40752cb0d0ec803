import { contentRequests, githubContentRate as rule } from "./github-content-rate";
import { messages, referenceContext, res } from "../testing";
import { T } from "./util";

/** What the shared stack registers per service: a repository, 7 files, 5 rulesets, 3 variables, 3 team grants, a default branch. */
function service(name: string) {
  return [
    res(T.ghRepository, { name }),
    ...Array.from({ length: 7 }, (_, i) =>
      res(T.ghRepositoryFile, { file: `.github/workflows/f${i}.yml`, repository: name }),
    ),
    ...Array.from({ length: 5 }, () => res(T.ghRuleset, { repository: name })),
    ...Array.from({ length: 3 }, () => res(T.ghVariable, { repository: name })),
    ...Array.from({ length: 3 }, () => res(T.ghTeamRepository, { repository: name })),
    res(T.ghBranchDefault, { repository: name }),
  ];
}
const stack = res("pulumi:pulumi:Stack", {}, { name: "s" });

describe(rule.id, () => {
  it("counts writes: 22 a service, team members one each, AWS resources none", () => {
    const resources = [
      stack,
      ...service("a"),
      res(T.ghTeamMembers, { members: [{ username: "x" }, { username: "y" }] }),
      res(T.ecrRepository, {}),
    ];
    expect(contentRequests(resources)).toEqual({ firstUp: 22 + 2, workflowChange: 7 });
    expect(messages(rule, resources)).toEqual([]);
  });
  it("advises past 500 writes, naming the count, team.services and how to spread them", () => {
    const resources = [stack, ...Array.from({ length: 30 }, (_, i) => service(`s${i}`)).flat()];
    const [message] = messages(rule, resources, referenceContext());
    expect(message).toMatch(
      /^a first `pulumi up` makes about 660 content-creating GitHub requests and regenerating the workflows 210;/,
    );
    expect(message).toContain("GitHub allows 80 a minute and 500 an hour");
    expect(message).toContain("team.services (2 services)");
    expect(message).toContain("pulumi up --target");
  });
});
