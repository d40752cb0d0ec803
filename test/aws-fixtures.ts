/** The reference team's raw spec (Pulumi.yaml), for the AWS tests. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export function referenceTeam(): Record<string, any> {
  const project = parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
  return structuredClone(project.config["delivery-workflow:team"].value);
}
