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

describe("names that collide, text that is not UTF-8 (preflight)", () => {
  it("refuses an environment named like the shared stack", () => {
    const raw = referenceTeamRaw();
    (raw.environments as Record<string, unknown>[])[0].name = "shared";
    const issues = issuesOf(raw);
    expect(issues).toContainEqual({
      path: "team.environments[0].name",
      message:
        '"shared" is the shared stack\'s name (Pulumi.shared.yaml, role "shared"): the environment\'s stack would be the shared stack; pick another name',
    });
  });

  it("refuses an environment colliding with another", () => {
    const raw = referenceTeamRaw();
    (raw.environments as Record<string, unknown>[])[1].name = "integration";
    expect(paths(issuesOf(raw))).toContain("team.environments[1].name");
  });

  it("refuses formerNames that are another service's name or former name, or its own", () => {
    const raw = referenceTeamRaw();
    const services = raw.services as Record<string, unknown>[];
    services[0].formerNames = ["payments-worker", "cart"];
    services[1].formerNames = ["cart", "payments-worker"];
    const issues = issuesOf(raw);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath["team.services[0].formerNames[0]"]).toBe(
      '"payments-worker" is already used by team.services[1].name (a former name is an alias: two services would claim one repository and one registry)',
    );
    expect(byPath["team.services[1].formerNames[0]"]).toBe(
      '"cart" is already used by team.services[0].formerNames[1] (a former name is an alias: two services would claim one repository and one registry)',
    );
    expect(byPath["team.services[1].formerNames[1]"]).toBe(
      '"payments-worker" is this service\'s current name',
    );
  });

  it("refuses NUL, control characters, lone surrogates and U+FFFD anywhere in the spec, by key", () => {
    const raw = referenceTeamRaw();
    const services = raw.services as Record<string, unknown>[];
    services[0].description = "cart\u0000api";
    services[1].description = "payments \uD800 worker";
    (raw.people as Record<string, unknown>).reviewers = ["carol\u0007"];
    (raw.notifications as Record<string, Record<string, unknown>>).slack.channel = "#caf\uFFFD";
    const byPath = Object.fromEntries(issuesOf(raw).map((i) => [i.path, i.message]));
    expect(byPath["team.services[0].description"]).toBe("contains a NUL character (\\u0000)");
    expect(byPath["team.services[1].description"]).toBe(
      "is not valid Unicode (a lone surrogate): it cannot be written as UTF-8",
    );
    expect(byPath["team.people.reviewers[0]"]).toBe("contains the control character U+0007");
    expect(byPath["team.notifications.slack.channel"]).toBeDefined();
    const text = issuesOf(raw).filter(
      (i) => i.message.startsWith("contains") || i.message.startsWith("is not valid Unicode"),
    );
    expect(text.map((i) => i.path).sort()).toEqual([
      "team.notifications.slack.channel",
      "team.people.reviewers[0]",
      "team.services[0].description",
      "team.services[1].description",
    ]);
  });

  it("refuses slugs ECR and DNS labels refuse: a trailing dash or a double dash", () => {
    const raw = referenceTeamRaw();
    const services = raw.services as Record<string, unknown>[];
    services[0].name = "web--app";
    services[1].name = "api-";
    const byPath = Object.fromEntries(issuesOf(raw).map((i) => [i.path, i.message]));
    expect(byPath["team.services[0].name"]).toBe(
      '"web--app" ends with "-" or holds "--": ECR repository names and DNS labels built from it refuse that (one "-" between letters or digits)',
    );
    expect(byPath["team.services[1].name"]).toMatch(/^"api-" ends with "-"/);
  });
});
