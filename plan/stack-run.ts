/**
 * Plans one stack: the program against the mock engine, what it registered rendered by the
 * recorder, then the stack's outputs, the policy rules, the cost and the assumptions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { requiredAppPermissions } from "../components/github/app-permissions";
import { readYamlFile, resolveSettings } from "../components/settings";
// policy/ has its own package.json (main: the pack): name index explicitly.
import { checkResources } from "../policy/index";
import { disabledDefaultProviders, stackConfig, type ConfigOverrides } from "./config";
import type { StackPlan } from "./contract";
import { computeCost, withBaseline, withPreviewNote, withRootVolumeNotes } from "./cost";
import { AssumptionLog, type KnownFacts } from "./facts";
import { MockEngine, waitForRpcs, type ReferencedOutputs } from "./mock-engine";
import { Recorder } from "./recorder";
import { containsSecret, render, unwrap } from "./values";

export interface StackRun {
  /** The stack's plan; absent when only its outputs were asked for. */
  readonly plan?: StackPlan;
  /** Plain output values (secrets unwrapped), kept in memory only to answer StackReferences. */
  readonly referenced: ReferencedOutputs;
}

export interface StackRunRequest {
  readonly dir: string;
  readonly stack: string;
  readonly overrides: ConfigOverrides;
  readonly facts: KnownFacts;
  readonly program: () => unknown;
  readonly stackReference: (name: string, project: string) => ReferencedOutputs;
  /** Outputs only: no rendering, rules or cost (a stack planned only to answer a reference). */
  readonly outputsOnly?: boolean;
}

export async function runStack(req: StackRunRequest): Promise<StackRun> {
  const { project, config, secretKeys } = stackConfig(req.dir, req.stack, req.overrides);
  // A stack planned only for its outputs is never rendered: nothing of its registrations is kept.
  const recorder = new Recorder(req.stack, project, { render: !req.outputsOnly });
  const assumptions = new AssumptionLog();
  const engine = new MockEngine({
    project,
    stack: req.stack,
    config,
    secretKeys,
    disabledProviders: disabledDefaultProviders(config),
    facts: req.facts,
    assumptions,
    recorder,
    stackReference: (name) => req.stackReference(name, project),
  });
  await engine.install();
  let run;
  let stopped: unknown;
  try {
    // The first failure ends the run: what depends on it would never resolve.
    run = await Promise.race([
      (async () => {
        const result = await recorder.run(req.program);
        await waitForRpcs();
        return result;
      })(),
      engine.failed,
    ]);
  } catch (err) {
    // engine.failures[0], below, when the engine failed; else whatever stopped the run.
    stopped = err;
  } finally {
    // One macrotask turn: the program's remaining runnable work drains (what is left waits on the
    // failure forever, touching nothing), and Node reports the rejections it left unhandled.
    await new Promise((resolve) => setImmediate(resolve));
    engine.uninstall();
  }

  // A fake-cloud failure surfaces as whatever it broke downstream; report its cause instead.
  if (engine.failures.length > 0) throw engine.failures[0];
  if (run === undefined) throw stopped;
  if (run.error !== undefined) throw run.error;

  const serialized =
    run.outputs !== null && typeof run.outputs === "object"
      ? await pulumi.runtime.serializeProperties("stack outputs", run.outputs as Record<string, unknown>)
      : {};
  const outputs: Record<string, unknown> = {};
  const rawOutputs: Record<string, unknown> = {};
  const secretOutputNames: string[] = [];
  for (const [k, v] of Object.entries(serialized)) {
    if (v === undefined) continue;
    if (!req.outputsOnly) outputs[k] = await render(v);
    rawOutputs[k] = unwrap(v);
    if (containsSecret(v)) secretOutputNames.push(k);
  }
  const referenced = { outputs: rawOutputs, secretOutputNames };
  if (req.outputsOnly) return { referenced };

  const resources = await recorder.resources();
  // The rules judge with the settings the program ran with (it refused to run without them).
  const resolved = resolveSettings({ project, stack: req.stack, config });
  const s = resolved.ok ? resolved.settings : undefined;
  const violations = checkResources(
    resources,
    s
      ? {
          spec: s.spec,
          policy: s.policy,
          role: s.role,
          environment: s.environment?.name,
          automationAppId: s.githubAppId,
          githubAppPermissions: s.githubAppPermissions,
          lookups: engine.lookups,
          // The stack file as written: plaintext secrets are judged on it.
          stackConfig: stackFileConfig(req.dir, req.stack),
        }
      : {},
  );
  const githubTypes = resources.filter((r) => r.custom && r.type.startsWith("github:")).map((r) => r.type);
  // An adopted resource (the `adopt` stack setting) is looked up by `pulumi up`, not created: the
  // plan cannot know it is there.
  for (const r of resources)
    if (r.import)
      assumptions.add({
        kind: "adopted-resource",
        name: r.import,
        source: r.urn,
        why: `pulumi up imports the existing ${r.type.split(":").pop()} ${r.import} (stack setting adopt) instead of creating it: it must exist in the account, or the import fails; remove adopt once the up has adopted it`,
      });
  return {
    plan: {
      project,
      stack: req.stack,
      resources,
      outputs,
      policy: { violations },
      ...(githubTypes.length > 0 ? { githubAppPermissions: requiredAppPermissions(githubTypes) } : {}),
      cost: s
        ? withBaseline(
            withRootVolumeNotes(
              withPreviewNote(computeCost(resources, recorder.ids()), s.spec, s.environment?.name),
              s.spec,
              s.environment?.name,
            ),
            s.spec,
            s.environment?.name,
          )
        : computeCost(resources, recorder.ids()),
      assumptions: assumptions.list(),
    },
    referenced,
  };
}

function stackFileConfig(dir: string, stack: string): Record<string, unknown> | undefined {
  const doc = readYamlFile(path.join(dir, `Pulumi.${stack}.yaml`));
  const config = doc && typeof doc === "object" ? (doc as { config?: unknown }).config : undefined;
  return config && typeof config === "object" && !Array.isArray(config)
    ? (config as Record<string, unknown>)
    : undefined;
}
