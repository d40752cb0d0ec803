/**
 * preview.yml's steps for previews' own server (`team.previews.instanceType`), which is stopped
 * while no preview is open (stacks/previews.ts): start it before a deploy, and after a remove or
 * a sweep that leaves no preview on it, stop it. Kept apart from preview-workflow.ts so the
 * workflow's shape stays one list per job; each function returns no step when previews share an
 * environment's server (which always runs).
 *
 * The preview role may start and stop exactly that instance (iam-documents.ts,
 * `startStopServers`); the script is components/pipeline/scripts/preview-server.sh.
 */
import { PREVIEW_VARIABLES } from "../release";
import { resolvePreviews, type TeamSpec } from "../team";
import type { Step } from "./model";
import { stepScript } from "./scripts";

/** Id of the step that reads or starts the server; its `state` output is `running` once started. */
export const PREVIEW_SERVER_STEP_ID = "server";

const serverEnv = (action: string, extra: Record<string, string> = {}): Record<string, string> => ({
  PREVIEW_INSTANCE_IDS: `\${{ vars.${PREVIEW_VARIABLES.instanceIds} }}`,
  SERVER_ACTION: action,
  ...extra,
});

/** True when previews run on their own server, stopped while none is open. */
export function previewServerStopsWhenIdle(spec: TeamSpec): boolean {
  return resolvePreviews(spec)?.ownServer === true;
}

/** The step that runs preview-server.sh with `action`, as the step PREVIEW_SERVER_STEP_ID. */
const serverStep = (spec: TeamSpec, name: string, action: string): Step[] =>
  previewServerStopsWhenIdle(spec)
    ? [{ name, id: PREVIEW_SERVER_STEP_ID, run: stepScript("previewServer"), env: serverEnv(action) }]
    : [];

/** Before the deploy: start the server and wait until EC2 and SSM say it can take the command. */
export function startPreviewServerSteps(spec: TeamSpec): Step[] {
  return serverStep(spec, "Start the preview server (stopped while no preview is open)", "start");
}

/** Before a remove or sweep: is the server running? A stopped one holds no preview. */
export function previewServerStatusSteps(spec: TeamSpec): Step[] {
  return serverStep(spec, "Is the preview server running? (stopped: no preview to remove)", "status");
}

/**
 * The condition for the remove or sweep step: only on a running server (always true when
 * previews share an environment's server).
 */
export function whenPreviewServerRuns(spec: TeamSpec): string | undefined {
  return previewServerStopsWhenIdle(spec)
    ? `steps.${PREVIEW_SERVER_STEP_ID}.outputs.state == 'running'`
    : undefined;
}

/** After a remove or sweep (step `commandStepId`): stop the server when no preview is left. */
export function stopIdlePreviewServerSteps(spec: TeamSpec, commandStepId: string): Step[] {
  if (!previewServerStopsWhenIdle(spec)) return [];
  return [
    {
      name: "Stop the preview server when no preview is left",
      if: `steps.${commandStepId}.outputs.previews_left == '0'`,
      run: stepScript("previewServer"),
      env: serverEnv("stop-if-idle", {
        PREVIEWS_LEFT: `\${{ steps.${commandStepId}.outputs.previews_left }}`,
      }),
    },
  ];
}
