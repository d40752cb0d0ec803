/**
 * github-repository-private — a repository is private unless the team spec says the service is
 * public; a public repository exposes code, workflows and (through them) infrastructure names.
 * Mirrors checkov CKV_GIT_1. Mandatory. GitHub creates a repository public when neither
 * `visibility` nor `private` is set, so unset counts as public.
 */
import type { ResourceRule } from "../types";
import { isUnknown, str, T } from "./util";

export const githubRepositoryPrivate: ResourceRule = {
  kind: "resource",
  id: "github-repository-private",
  description: "GitHub repositories are private or internal unless the team spec makes the service public.",
  mirrors: "checkov CKV_GIT_1",
  level: "mandatory",
  types: [T.ghRepository],
  check(r, ctx) {
    const visibility = r.inputs.visibility;
    if (isUnknown(visibility) || isUnknown(r.inputs.private)) return [];
    const effective =
      visibility !== undefined ? str(visibility) : r.inputs.private === true ? "private" : "public";
    if (effective !== "public") return [];
    const name = str(r.inputs.name);
    const service = ctx.spec?.services.find((s) => s.name === name);
    if (service?.visibility === "public") return [];
    const why =
      visibility === undefined ? "visibility is unset (GitHub creates it public)" : 'visibility is "public"';
    return [
      ctx.spec
        ? `${why} but the team spec ${service ? `makes service "${service.name}" ${service.visibility}` : "has no public service of this name"}`
        : `${why}; the team spec is not available to say it may be`,
    ];
  },
};
