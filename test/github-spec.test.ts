/** GitHub mistakes in the team spec fail validation, each naming its key path. */
import { validateTeamSpec } from "../components/team";
import { referenceTeamRaw } from "./fixtures";

/** The parts of the raw spec these tests edit. */
interface RawTeam {
  github: Record<string, unknown>;
  people: { reviewers: string[] };
  branchModel?: string;
  environments: Array<Record<string, unknown>>;
  release?: Record<string, unknown>;
}

function issuesOf(mutate: (raw: RawTeam) => void) {
  const raw = referenceTeamRaw() as unknown as RawTeam;
  mutate(raw);
  const result = validateTeamSpec(raw);
  if (result.ok) throw new Error("expected the spec to be refused");
  return result.issues;
}

describe("GitHub mistakes in the spec", () => {
  it("the reference team is valid", () => {
    expect(validateTeamSpec(referenceTeamRaw()).ok).toBe(true);
  });

  it("a reviewer login with spaces names team.people.reviewers[i]", () => {
    const issues = issuesOf((raw) => raw.people.reviewers.push("alice lead"));
    expect(issues).toEqual([expect.objectContaining({ path: "team.people.reviewers[1]" })]);
    expect(issues[0].message).toContain('"alice lead"');
  });

  it("a required reviewer with spaces names the environment's requiredReviewers[i]", () => {
    const issues = issuesOf((raw) => (raw.environments[2].requiredReviewers = ["bob ops"]));
    expect(issues.map((i) => i.path)).toContain("team.environments[2].requiredReviewers[0]");
  });

  it("requiredApprovals 0 on production names team.environments[i].requiredApprovals", () => {
    const issues = issuesOf((raw) => (raw.environments[2].requiredApprovals = 0));
    expect(issues).toEqual([
      {
        path: "team.environments[2].requiredApprovals",
        message: expect.stringContaining("0 would let unreviewed code reach production"),
      },
    ]);
  });

  it("an environment whose role the model cannot deploy names its role", () => {
    const issues = issuesOf((raw) => (raw.branchModel = "staging-branch"));
    expect(issues.map((i) => i.path)).toEqual(["team.environments[0].role"]);
    expect(issues[0].message).toContain('"staging-branch"');
  });

  it("production with an empty reviewer list names requiredReviewers", () => {
    const issues = issuesOf((raw) => (raw.environments[2].requiredReviewers = []));
    expect(issues.map((i) => i.path)).toEqual(["team.environments[2].requiredReviewers"]);
  });

  it("a reviewer team of another organization names its key", () => {
    const issues = issuesOf((raw) => (raw.people.reviewers = ["other-org/devs"]));
    expect(issues.map((i) => i.path)).toEqual(["team.people.reviewers[0]"]);
  });

  it("a tag creator that is a user (rulesets bypass teams, not users) names release.tagCreators[i]", () => {
    const issues = issuesOf((raw) => (raw.release = { tagCreators: ["alice-lead"] }));
    expect(issues.map((i) => i.path)).toEqual(["team.release.tagCreators[0]"]);
  });

  it("reviewers on private repositories without enterprise name the environment", () => {
    const issues = issuesOf((raw) => (raw.github.plan = "team"));
    expect(issues.map((i) => i.path)).toContain("team.environments[2].requiredReviewers");
  });

  it("several mistakes are reported at once", () => {
    const issues = issuesOf((raw) => {
      raw.people.reviewers.push("alice lead");
      raw.environments[2].requiredApprovals = 0;
      raw.github.owner = "acme shop";
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      expect.arrayContaining([
        "team.environments[2].requiredApprovals",
        "team.github.owner",
        "team.people.reviewers[1]",
      ]),
    );
  });
});
