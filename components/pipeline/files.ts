/** Everything the pipeline commits into one service repository, as path → text. */
import type { ReleasePolicy } from "../release";
import type { ServiceSpec, TeamSpec } from "../team";
import type { PipelineFile } from "./model";
import { DEPENDABOT_CONFIG, dependabotConfig } from "./dependabot";
import { preCommitConfig } from "./precommit";
import { previewWorkflowFile } from "./preview-workflow";
import { dependabotYaml, preCommitYaml, workflowYaml } from "./serialize";
import { serviceWorkflows } from "./workflows";

export const PRE_COMMIT_CONFIG = ".pre-commit-config.yaml";

/** `.github/workflows/deploy-staging.yml` → `deploy-staging`: a stable resource-name key. */
function keyOf(path: string): string {
  const base = path.split("/").pop() ?? path;
  return base.replace(/^\./, "").replace(/\.ya?ml$/, "");
}

export function pipelineFiles(spec: TeamSpec, service: ServiceSpec, policy: ReleasePolicy): PipelineFile[] {
  const files: PipelineFile[] = [];
  for (const [path, workflow] of serviceWorkflows(spec, service, policy)) {
    files.push({ key: keyOf(path), path, content: workflowYaml(workflow) });
  }
  // Pull-request previews (issue 12): open/synchronize/reopen/close and the daily sweep.
  const preview = previewWorkflowFile(spec, service);
  if (preview) files.push(preview);
  files.push({
    key: keyOf(PRE_COMMIT_CONFIG),
    path: PRE_COMMIT_CONFIG,
    content: preCommitYaml(preCommitConfig(service)),
  });
  files.push({
    key: keyOf(DEPENDABOT_CONFIG),
    path: DEPENDABOT_CONFIG,
    content: dependabotYaml(dependabotConfig(service, policy)),
  });
  return files;
}
