/**
 * Every team spec in examples/ plans with `npm run plan -- --team-file examples/<file>`: the real
 * CLI, in process, with the repository's stack files. Exit 0 means valid config, a complete plan
 * and no mandatory policy violation.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { main } from "../plan/cli";
import { parseTeamSpec } from "../components/team";
import { REPO_ROOT, referenceTeamRaw } from "./fixtures";

const EXAMPLES = path.join(REPO_ROOT, "examples");
const files = fs.readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f));

describe("examples/", () => {
  it("holds one full team spec per branch model, named after it (besides kubernetes.yaml and large.yaml)", () => {
    const models = files.filter((f) => !["kubernetes.yaml", "large.yaml"].includes(f));
    expect(models.sort()).toEqual(["pre-production.yaml", "staging-branch.yaml", "trunk.yaml"]);
    for (const file of models) {
      const spec = parseTeamSpec(parse(fs.readFileSync(path.join(EXAMPLES, file), "utf8")));
      expect([file, spec.branchModel]).toEqual([file, file.replace(/\.ya?ml$/, "")]);
    }
    const large = parseTeamSpec(parse(fs.readFileSync(path.join(EXAMPLES, "large.yaml"), "utf8")));
    expect(large.services).toHaveLength(60);
  });

  it("trunk.yaml is the reference team of Pulumi.yaml, word for word", () => {
    expect(parse(fs.readFileSync(path.join(EXAMPLES, "trunk.yaml"), "utf8"))).toEqual(referenceTeamRaw());
  });

  it.each(files)(
    "%s plans with no mandatory violation",
    async (file) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(["--team-file", path.join("examples", file), "--dir", REPO_ROOT], {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
      });
      expect([code, err.join("\n")]).toEqual([0, expect.not.stringMatching(/mandatory|invalid|failed/)]);
      const spec = parseTeamSpec(parse(fs.readFileSync(path.join(EXAMPLES, file), "utf8")));
      // Every environment of the spec was planned, and the shared stack.
      const planned =
        out
          .join("\n")
          .match(/^== stack [a-z-]+/gm)
          ?.map((l) => l.slice("== stack ".length)) ?? [];
      expect(planned.sort()).toEqual(["shared", ...spec.environments.map((e) => e.name)].sort());
    },
    120_000,
  );
});
