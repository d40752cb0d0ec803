/**
 * Prints one Kubernetes preview step of the generated preview workflow as JSON `{ run, env }`:
 * the script exactly as preview.yml carries it and its `env:` (expressions left as written; the
 * caller supplies what GitHub would). Used by scripts/kubernetes-apiserver-check.sh to run the
 * real step against a real API server.
 *
 * Usage: ts-node scripts/kubernetes-preview-step.ts <team.yaml> <service> <deploy|remove|sweep>
 */
import * as fs from "fs";
import { parse } from "yaml";
import { kubernetesPreviewSteps } from "../components/pipeline/kubernetes-preview-steps";
import { parseTeamSpec } from "../components/team";

const [teamFile, serviceName, action] = process.argv.slice(2);
const spec = parseTeamSpec(parse(fs.readFileSync(teamFile, "utf8")));
const service = spec.services.find((s) => s.name === serviceName);
if (!service) throw new Error(`no service ${serviceName} in ${teamFile}`);
const steps = kubernetesPreviewSteps(spec, service);
if (!steps) throw new Error(`${teamFile}: previews do not run on Kubernetes`);
const step = steps[action as keyof typeof steps];
if (!step) throw new Error(`action must be deploy, remove or sweep, not ${action}`);
process.stdout.write(JSON.stringify({ run: step.run, env: step.env }));
