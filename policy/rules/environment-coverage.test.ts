import { environmentCoverage as rule } from "./environment-coverage";
import { githubTrust, messages, referenceContext, res } from "../testing";
import { T } from "./util";

const trust = (env: string, repo: string) =>
  githubTrust({
    StringEquals: {
      "token.actions.githubusercontent.com:sub": [`repo:acme-shop/${repo}:environment:${env}`],
    },
  });
const stack = (name: string) =>
  res("pulumi:pulumi:Stack", {}, { stack: name, name: `delivery-workflow-${name}` });
const ghEnv = (env: string, repository: string) =>
  res(T.ghEnvironment, { environment: env, repository }, { stack: env });
const role = (env: string, inStack = env, repo = "cart-api") =>
  res(T.role, { assumeRolePolicy: trust(env, repo) }, { stack: inStack, name: `${env}-${repo}` });
/** One deploy role per repository, as the environment stack makes them. */
const roles = (env: string, inStack = env) => [
  role(env, inStack, "cart-api"),
  role(env, inStack, "payments-worker"),
];

describe(rule.id, () => {
  it("passes an environment stack with its GitHub environments and deploy role", () => {
    const resources = [
      stack("staging"),
      ghEnv("staging", "cart-api"),
      ghEnv("staging", "payments-worker"),
      ...roles("staging"),
    ];
    expect(messages(rule, resources, referenceContext())).toEqual([]);
  });
  it("judges only the stack's own environment, and nothing in the shared stack", () => {
    expect(messages(rule, [stack("shared")], referenceContext())).toEqual([]);
    const staging = [
      stack("staging"),
      ghEnv("staging", "cart-api"),
      ghEnv("staging", "payments-worker"),
      ...roles("staging"),
    ];
    expect(messages(rule, staging, referenceContext())).toEqual([]);
  });
  it("fires on a missing GitHub environment and a missing deploy role", () => {
    const resources = [stack("production"), ghEnv("production", "cart-api"), role("staging", "production")];
    expect(messages(rule, resources, referenceContext())).toEqual([
      'repository "payments-worker" has no GitHub environment "production"',
      'no IAM role trusts GitHub environment "production" (deploy role missing)',
    ]);
  });
  it("fires on a repository without its own deploy role", () => {
    const resources = [
      stack("staging"),
      ghEnv("staging", "cart-api"),
      ghEnv("staging", "payments-worker"),
      role("staging"),
    ];
    expect(messages(rule, resources, referenceContext())).toEqual([
      'repository "payments-worker" has no deploy role trusting its GitHub environment "staging"',
    ]);
  });
  it("uses the environment the plan names when the stack is named otherwise", () => {
    const resources = [
      stack("prod-eu"),
      ghEnv("production", "cart-api"),
      ghEnv("production", "payments-worker"),
      ...roles("production", "prod-eu"),
    ];
    expect(
      messages(rule, resources, referenceContext({ role: "environment", environment: "production" })),
    ).toEqual([]);
    expect(messages(rule, resources, referenceContext({ environment: "staging" }))).toHaveLength(3);
  });
});
