/**
 * data-safety — repositories (code, history, issues), registries (every released image) and
 * release parameters (what runs where) must survive a mistaken `pulumi destroy` or a spec edit
 * that drops them: they are protected or retained on delete; a GitHub repository archives
 * instead of deleting; a registry is never force-deleted unless the spec says so. Mirrors
 * AWS CDK's RemovalPolicy.RETAIN default for stateful resources (no checkov id). Mandatory. `retainOnDelete` is invisible to the real policy engine: there, only `protect`
 * can pass or fail; the offline plan sees both.
 */
import type { ResourceRule } from "../types";
import { T } from "./util";

export const dataSafety: ResourceRule = {
  kind: "resource",
  id: "data-safety",
  description:
    "Stateful resources (repositories, registries, release parameters) are protected or retained on delete.",
  mirrors: "AWS CDK RemovalPolicy.RETAIN for stateful resources (no checkov id)",
  level: "mandatory",
  types: [T.ghRepository, T.ecrRepository, T.ssmParameter],
  check(r, ctx) {
    const out: string[] = [];
    // Of SSM parameters, only release parameters hold history. A service's configuration
    // (`…/config/<KEY>`) must go when its key leaves the spec: a retained one would still reach the
    // container, since the agent reads the whole path.
    if (r.type === T.ssmParameter && /\/config\/[^/]+$/.test(String(r.inputs.name ?? ""))) return out;
    if (!r.protect && r.retainOnDelete === false) out.push("is neither protected nor retained on delete");
    if (r.type === T.ghRepository && r.inputs.archiveOnDestroy !== true) {
      out.push(
        "archiveOnDestroy is not true: removing the service would delete the repository instead of archiving it",
      );
    }
    if (
      r.type === T.ecrRepository &&
      r.inputs.forceDelete === true &&
      ctx.spec?.registry.forceDelete !== true
    ) {
      out.push("forceDelete is true but team.registry.forceDelete is not: destroy would delete every image");
    }
    return out;
  },
};
