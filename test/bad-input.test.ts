/**
 * The mistakes users make, written by hand: each is refused by validation and by the program
 * (through the offline plan), and the message names the key path to fix.
 */
import { validateTeamSpec, type SpecIssue } from "../components/team";
import { referenceSpec } from "../policy/testing";
import { planOutcome } from "./guardrails-support";

type Raw = Record<string, any>;

/** The reference team as written in Pulumi.yaml (after defaults: still a valid input). */
function reference(): Raw {
  return structuredClone(referenceSpec()) as Raw;
}

async function refusedBy(
  stack: string,
  team: Raw,
  extra: { secrets?: Record<string, string> } = {},
): Promise<SpecIssue[]> {
  const outcome = await planOutcome({ stacks: [stack], team, ...extra });
  if (outcome.ok) throw new Error(`the program accepted it (stack ${stack})`);
  expect(outcome.issues).toBeDefined();
  // A config error is printed without a stack trace.
  expect(outcome.error.message).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return [...outcome.issues!];
}

function specIssues(team: Raw): SpecIssue[] {
  const result = validateTeamSpec(team);
  if (result.ok) throw new Error("validation accepted it");
  return result.issues;
}

describe("hand-written bad input", () => {
  it("two services with the same name", async () => {
    const team = reference();
    team.services[1].name = team.services[0].name;
    const expected = {
      path: "team.services[1].name",
      message: expect.stringMatching(/"cart-api" is already used by team\.services\[0\]/),
    };
    expect(specIssues(team)).toContainEqual(expected);
    expect(await refusedBy("shared", team)).toContainEqual(expected);
  });

  it("an environment the branch model cannot reach", async () => {
    const team = reference();
    team.branchModel = "staging-branch"; // deploys staging and production only
    const expected = {
      path: "team.environments[0].role",
      message: expect.stringMatching(/"integration" cannot be deployed by branch model "staging-branch"/),
    };
    expect(specIssues(team)).toContainEqual(expected);
    expect(await refusedBy("staging", team)).toContainEqual(expected);
  });

  it("reviewers on a private repository the GitHub plan cannot enforce", async () => {
    const team = reference();
    team.github.plan = "team";
    const issues = specIssues(team);
    expect(issues).toContainEqual({
      path: "team.environments[2].requiredReviewers",
      message: expect.stringMatching(
        /GitHub plan "team" cannot enforce environment reviewers on private repositories \(cart-api, payments-worker\)/,
      ),
    });
    expect((await refusedBy("production", team)).map((i) => i.path)).toContain(
      "team.environments[2].requiredReviewers",
    );
  });

  it("a region typo, with a suggestion", async () => {
    const team = reference();
    team.aws.region = "eu-wset-1";
    const expected = {
      path: "team.aws.region",
      message: expect.stringMatching(/"eu-wset-1" .*did you mean "eu-west-1"\?/),
    };
    expect(specIssues(team)).toContainEqual(expected);
    expect(await refusedBy("shared", team)).toContainEqual(expected);
  });

  it("a Slack webhook that is not a URL (stack secret), without echoing the secret", async () => {
    const bad = "not-a-url-SECRETISH-value";
    const issues = await refusedBy("staging", reference(), { secrets: { slackWebhookUrl: bad } });
    expect(issues).toContainEqual({
      path: "delivery-workflow:slackWebhookUrl",
      message: expect.stringMatching(/must be a Slack webhook URL/),
    });
    expect(JSON.stringify(issues)).not.toContain(bad);
    // A well-formed webhook is accepted: the rejection is about the value, not the key.
    const ok = await planOutcome({
      stacks: ["staging"],
      secrets: { slackWebhookUrl: "https://hooks.slack.com/services/T000/B000/abc" },
    });
    expect(ok.ok).toBe(true);
  });

  it("a production environment with no reviewers", async () => {
    const team = reference();
    team.environments[2].requiredReviewers = [];
    const expected = {
      path: "team.environments[2].requiredReviewers",
      message: expect.stringMatching(/leaves production without an approver/),
    };
    expect(specIssues(team)).toContainEqual(expected);
    expect(await refusedBy("production", team)).toContainEqual(expected);
  });

  it("the reference team itself is accepted (the cases above fail for their mistake only)", async () => {
    expect(validateTeamSpec(reference()).ok).toBe(true);
    const outcome = await planOutcome({ stacks: ["shared", "production"], team: reference() });
    expect(outcome.ok).toBe(true);
  });
});
