/**
 * aws-ecr-repository-name — ECR refuses repository names outside its pattern. `CreateRepository`
 * `repositoryName` (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html):
 * length 2 to 256, pattern `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`:
 * lowercase, and no separator at either end or twice in a row. The spec's slug pattern admits
 * `api-` and `web--app`; validateTeamSpec refuses them too (components/team/collisions.ts), so
 * this rule catches names a component builds otherwise. Mandatory.
 */
import type { ResourceRule } from "../types";
import { fromKeys } from "./preflight";
import { str, T } from "./util";

export const ECR_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export const awsEcrRepositoryName: ResourceRule = {
  kind: "resource",
  id: "aws-ecr-repository-name",
  description: "ECR repository names are 2-256 characters of ECR's lowercase pattern.",
  mirrors: "Amazon ECR CreateRepository constraints (preflight)",
  level: "mandatory",
  types: [T.ecrRepository],
  check(r, ctx) {
    const name = str(r.inputs.name);
    if (name === undefined) return [];
    const out: string[] = [];
    if (name.length < 2 || name.length > 256)
      out.push(
        `name ${JSON.stringify(name)} is ${name.length} characters; ECR takes 2 to 256${fromKeys(name, ctx)}`,
      );
    if (!ECR_NAME.test(name))
      out.push(
        `name ${JSON.stringify(name)} does not match ECR's pattern (lowercase letters and digits, single . _ - ` +
          `between them, / between namespaces)${fromKeys(name, ctx)}: no "-" at the end of a name and no "--"`,
      );
    return out;
  },
};
