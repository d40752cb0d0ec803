/**
 * Planning grows linearly with the team. A promised `dependsOn` once made every ruleset walk
 * the whole resource graph (60 services: ~28 s for the shared stack); linear, it takes ~3 s.
 * The bound is loose on purpose: it catches quadratic growth, not a slow machine.
 */
import { generatedTeam } from "../plan/generate";
import { referenceTeamRaw } from "./fixtures";
import { planStacks } from "./harness";

it("plans the shared stack of a 60-service team in linear time", async () => {
  const started = Date.now();
  const [shared] = await planStacks({ stacks: ["shared"], team: generatedTeam(referenceTeamRaw(), 60) });
  const seconds = (Date.now() - started) / 1000;
  expect(shared.resources.length).toBeGreaterThan(60 * 20);
  expect(seconds).toBeLessThan(12);
});
