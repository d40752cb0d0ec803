/**
 * release-one-architecture — an image is built once and the same digest is promoted to every
 * environment, so environments whose instance types differ in architecture would each be green
 * and then fail at deploy time ("exec format error") on the ones the image was not built for.
 * Judged on the spec, in every stack. Mandatory.
 *
 * The rule itself lives in one place, `architectureIssues` (components/release/platform.ts: the
 * architecture of an instance type from its name, and `defaultInstanceType` for an environment
 * that names none); the shared stack's workflow generation throws the same issues
 * (`imageArchitecture`). This check only reports them for every stack, each naming its
 * `team.environments[i].instanceType` key. The team spec's own validation (components/team)
 * cannot: it must not import components/release.
 */
import { architectureIssues } from "../../components/release/platform";
import type { StackRule } from "../types";
import { stackUrn } from "./preflight";

export const releaseOneArchitecture: StackRule = {
  kind: "stack",
  id: "release-one-architecture",
  description:
    "Every environment's servers share one CPU architecture: one image digest is promoted to all of them.",
  mirrors: "project invariant (build once, promote the digest)",
  level: "mandatory",
  check(resources, ctx) {
    const urn = stackUrn(resources);
    if (!urn || !ctx.spec) return [];
    return architectureIssues(ctx.spec).map((issue) => ({ urn, message: `${issue.path}: ${issue.message}` }));
  },
};
