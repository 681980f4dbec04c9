// The seeded simulation of one user's object (test/simulation/, docs/relay.md "The simulation"):
// thousands of steps on fresh seeds, every invariant checked after every step. Reports steps a
// second, the invariant checks made, the crashes and sends it drew, and the seeds that failed
// with the command that replays each. `npm test` runs the same code on fixed seeds.
import { register } from "node:module";
import { randomInt } from "node:crypto";
import { info, judged, exactly, type Figure } from "../lib/figures";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";

const SECTION = "simulation";

/** What the section uses of test/simulation/simulate.ts. */
type SimOptions = { seed: number; steps: number; sendWindowFaults: boolean };
type SimulationModule = {
  SEND_WINDOW_FAULTS: boolean;
  replayCommand(options: SimOptions): string;
  simulate(options: SimOptions): Promise<{ steps: number; checks: number; counts: Record<string, number>; violations: { step: number; invariant: string; detail: string }[] }>;
};
/** Steps of one seed: long enough for crashes to meet runs and questions, short enough to vary seeds. */
const STEPS_PER_SEED = 300;

export const simulationSection: Section = {
  name: SECTION,
  title: "the object's seeded simulation on fresh seeds: steps a second, invariant checks, failing seeds with their replay command",
  run: runSimulation,
};

async function runSimulation({ quick, log }: SectionOptions): Promise<SectionOutcome> {
  // The units import `cloudflare:workers` and *.sql beside them: plain Node needs the simulation's hooks.
  register("../../test/simulation/cloudflare-workers-hook.ts", import.meta.url);
  // Not followed by the bench's typecheck (Node's types only): the simulation is checked with the units (tsconfig.units.json).
  const { replayCommand, SEND_WINDOW_FAULTS, simulate } = (await import(new URL("../../test/simulation/simulate.ts", import.meta.url).href)) as SimulationModule;
  const totalSteps = quick ? 900 : 6_000;
  const seeds = Array.from({ length: Math.ceil(totalSteps / STEPS_PER_SEED) }, () => randomInt(1, 2 ** 31 - 1));
  let [steps, checks, crashes, messages] = [0, 0, 0, 0];
  const failed: { seed: number; replay: string; first: string }[] = [];
  const began = performance.now();
  for (const seed of seeds) {
    const options = { seed, steps: STEPS_PER_SEED, sendWindowFaults: SEND_WINDOW_FAULTS };
    const report = await simulate(options);
    steps += report.steps;
    checks += report.checks;
    crashes += report.counts["crash"] ?? 0;
    messages += report.counts["message"] ?? 0;
    const first = report.violations[0];
    if (first) {
      const replay = replayCommand(options);
      failed.push({ seed, replay, first: `step ${first.step}: ${first.invariant}: ${first.detail}` });
      log(`simulation: seed ${seed} FAILED at step ${first.step} (${first.invariant}); replay: ${replay}`);
    }
  }
  const seconds = (performance.now() - began) / 1000;
  const figures: Figure[] = [
    info(SECTION, "steps a second", Math.round(steps / seconds), "steps/s", `${steps} steps on ${seeds.length} fresh seeds in ${seconds.toFixed(1)} s`),
    info(SECTION, "invariant checks", checks, "checks", "each invariant after each step, and the drain at each seed's end"),
    info(SECTION, "crashes at a storage boundary", crashes, "crashes"),
    info(SECTION, "messages sent", messages, "messages"),
    judged(SECTION, "failing seeds", failed.length, "seeds", exactly(0), SEND_WINDOW_FAULTS ? "send-window faults on" : "send-window faults off (SIM_SEND_WINDOW=0)"),
  ];
  return { status: "ok", figures, details: { seeds, stepsPerSeed: STEPS_PER_SEED, sendWindowFaults: SEND_WINDOW_FAULTS, failed } };
}
