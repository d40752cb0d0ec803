import { formatIssues, validateTeamSpec, type SpecIssue } from "../components/team";
import { referenceTeamRaw } from "./fixtures";

function issuesOf(raw: unknown): SpecIssue[] {
  const result = validateTeamSpec(raw);
  if (result.ok) throw new Error("expected the spec to be rejected");
  return result.issues;
}

const paths = (issues: SpecIssue[]) => issues.map((i) => i.path);

describe("team spec validation", () => {
  it("accepts the reference team and applies defaults in one place", () => {
    const result = validateTeamSpec(referenceTeamRaw());
    if (!result.ok) throw new Error(formatIssues(result.issues));
    const spec = result.spec;
    expect(spec.branchModel).toBe("trunk");
    expect(spec.services[0].visibility).toBe("private");
    expect(spec.services[0].dockerfile).toBe("Dockerfile");
    expect(spec.registry).toEqual({
      releaseImagesKept: 30,
      rcImageDays: 30,
      buildImageDays: 14,
      untaggedImageDays: 1,
      forceDelete: false,
    });
    expect(spec.release.bootstrapImage).toBe(true);
    expect(spec.coverageThreshold).toBe(80);
  });

  it("reports three different mistakes at once, each naming its key and value", () => {
    const raw = referenceTeamRaw();
    (raw.services as Record<string, unknown>[])[1].name = "Web App";
    (raw.aws as Record<string, unknown>).region = "eu-west1";
    (raw.people as Record<string, unknown>).maintainer = ["alice"];
    const issues = issuesOf(raw);
    expect(paths(issues)).toEqual(
      expect.arrayContaining(["team.services[1].name", "team.aws.region", "team.people.maintainer"]),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath["team.services[1].name"]).toBe('"Web App" must match ^[a-z][a-z0-9-]*$');
    expect(byPath["team.aws.region"]).toContain('did you mean "eu-west-1"?');
    expect(byPath["team.people.maintainer"]).toContain("not a known key");
  });

  it("treats unknown keys as errors so typos never vanish", () => {
    const raw = referenceTeamRaw();
    (raw.environments as Record<string, unknown>[])[2].waitTimer = 5;
    expect(paths(issuesOf(raw))).toContain("team.environments[2].waitTimer");
  });

  it("rejects duplicate service names, not ports", () => {
    const raw = referenceTeamRaw();
    const services = raw.services as Record<string, unknown>[];
    services.push({ ...services[0] });
    const issues = issuesOf(raw);
    expect(paths(issues)).toEqual(expect.arrayContaining(["team.services[2].name"]));
    // Ports may repeat: each release listens on its own loopback port behind the server's proxy.
    expect(paths(issues)).not.toContain("team.services[2].port");
  });

  it("reports cross-field rules even when the structure is also broken", () => {
    const raw = referenceTeamRaw();
    const services = raw.services as Record<string, unknown>[];
    services.push({ ...services[0] });
    raw.coverageThreshold = "high";
    expect(paths(issuesOf(raw))).toEqual(
      expect.arrayContaining(["team.coverageThreshold", "team.services[2].name"]),
    );
  });

  it("rejects an environment the branch model cannot deploy", () => {
    const raw = referenceTeamRaw();
    raw.branchModel = "staging-branch";
    const issues = issuesOf(raw);
    const integration = issues.find((i) => i.path === "team.environments[0].role");
    expect(integration?.message).toContain(
      '"integration" cannot be deployed by branch model "staging-branch"',
    );
  });

  it("requires the environment a production promotion takes its release from", () => {
    const raw = referenceTeamRaw();
    raw.environments = (raw.environments as Record<string, unknown>[]).filter((e) => e.role !== "staging");
    expect(issuesOf(raw).find((i) => i.path === "team.environments[1].role")?.message).toContain(
      'add an environment with role "staging"',
    );
  });

  it("refuses production without approvers or with zero approvals", () => {
    const raw = referenceTeamRaw();
    const prod = (raw.environments as Record<string, unknown>[])[2];
    prod.requiredReviewers = [];
    prod.requiredApprovals = 0;
    expect(paths(issuesOf(raw))).toEqual(
      expect.arrayContaining([
        "team.environments[2].requiredReviewers",
        "team.environments[2].requiredApprovals",
      ]),
    );
  });

  it("refuses reviewers a GitHub plan cannot enforce on private repositories", () => {
    const raw = referenceTeamRaw();
    (raw.github as Record<string, unknown>).plan = "team";
    const issue = issuesOf(raw).find((i) => i.path === "team.environments[2].requiredReviewers");
    expect(issue?.message).toContain("cannot enforce environment reviewers on private repositories");
  });

  it("rejects reviewer logins with spaces and teams of another organization", () => {
    const raw = referenceTeamRaw();
    (raw.people as Record<string, unknown>).reviewers = ["bad login", "other-org/devs"];
    const issues = issuesOf(raw);
    expect(paths(issues)).toEqual(
      expect.arrayContaining(["team.people.reviewers[0]", "team.people.reviewers[1]"]),
    );
    expect(issues.find((i) => i.path === "team.people.reviewers[1]")?.message).toContain(
      "outside the organization",
    );
  });

  it("knows GitHub's limits: 6 reviewers per environment, internal repositories on enterprise only", () => {
    const raw = referenceTeamRaw();
    (raw.environments as Record<string, unknown>[])[2].requiredReviewers = [
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
    ];
    (raw.services as Record<string, unknown>[])[0].visibility = "internal";
    (raw.github as Record<string, unknown>).plan = "team";
    (raw.services as Record<string, unknown>[])[1].visibility = "public";
    const issues = issuesOf(raw);
    expect(paths(issues)).toEqual(
      expect.arrayContaining(["team.environments[2].requiredReviewers", "team.services[0].visibility"]),
    );
    const raw2 = referenceTeamRaw();
    (raw2.people as Record<string, unknown>).maintainers = ["a", "b", "c", "d", "e", "f", "g"];
    expect(paths(issuesOf(raw2))).toContain("team.people.maintainers");
  });

  it("requires commands for the generic language preset", () => {
    const raw = referenceTeamRaw();
    (raw.services as Record<string, unknown>[])[0].language = "generic";
    expect(paths(issuesOf(raw))).toEqual(
      expect.arrayContaining(["team.services[0].commands.lint", "team.services[0].commands.test"]),
    );
  });

  it("keeps Dockerfile paths inside the repository", () => {
    const raw = referenceTeamRaw();
    (raw.services as Record<string, unknown>[])[0].dockerfile = "../../etc/Dockerfile";
    expect(paths(issuesOf(raw))).toContain("team.services[0].dockerfile");
  });

  it("says what is missing when the spec is not an object at all", () => {
    expect(paths(issuesOf("team"))).toContain("team");
    expect(paths(issuesOf({}))).toEqual(
      expect.arrayContaining(["team.name", "team.services", "team.environments"]),
    );
  });
});
