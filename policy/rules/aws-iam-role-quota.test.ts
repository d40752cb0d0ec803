import { parseTeamSpec } from "../../components/team";
import { releasePolicy } from "../../components/release";
import { generatedServices } from "../../plan/generate";
import { awsIamRoleQuota as rule, teamRoleCount } from "./aws-iam-role-quota";
import { messages, referenceContext, res } from "../testing";

const stack = res("pulumi:pulumi:Stack", {}, { name: "s", stack: "staging" });

function withServices(count: number) {
  const raw = referenceContext().spec!;
  const spec = parseTeamSpec({ ...raw, services: generatedServices(count), previews: { enabled: false } });
  return { spec, policy: releasePolicy(spec) };
}

describe(rule.id, () => {
  it("counts a build, a preview and a deploy role per environment for each repository, and a server role per server", () => {
    // Reference team: 2 services × (1 build + 3 deploy + 1 preview) + 3 servers.
    expect(teamRoleCount(referenceContext().spec!)).toBe(13);
  });
  it("passes the reference team and a 249-service team (4 roles each + 3 servers = 999)", () => {
    expect(messages(rule, [stack], referenceContext())).toEqual([]);
    expect(teamRoleCount(withServices(249).spec)).toBe(999);
    expect(messages(rule, [stack], withServices(249))).toEqual([]);
  });
  it("names the quota increase for 300 services (1,203 roles), naming team.services", () => {
    const [m, ...rest] = messages(rule, [stack], withServices(300));
    expect(rest).toEqual([]);
    expect(m).toMatch(/^the team's stacks create 1,203 IAM roles \(team\.services: 300 services/);
    expect(m).toContain('request "Roles per account" of at least 1,203');
  });
});
