// The seeded simulation of one user's object (test/simulation/): a few hundred steps on fixed
// seeds, every invariant checked after every step. A failing seed prints the command that replays
// it; SIM_SEED (and SIM_STEPS) replay one seed. `npm run bench -- --only simulation` runs
// thousands of steps on fresh seeds.
import { expect, it } from "vitest";
import { replayCommand, SEND_WINDOW_FAULTS, simulate, type SimOptions } from "../simulation/simulate";

const STEPS = Number(process.env.SIM_STEPS ?? 150);
// Seeds 4 and 15 fail on the relay before a run's reply and its end were one step (a /status at
// the reply told "busy"; seen failing at that commit); seed 9 asks and declines /undo's question most.
// Seeds 3, 4 and 8 deliver a reply twice where a send in flight is resent without Twilio's Messages
// list to look in (seen with the simulated Twilio answering the list 404).
// Seeds 2 and 6 refuse a well-behaved VM's result (bad_stream, the run cut minutes later) where a
// crash lost the record of a further turn the VM took, and the VM answers one given twice twice.
const SEEDS = process.env.SIM_SEED ? [Number(process.env.SIM_SEED)] : [2, 3, 4, 6, 8, 9, 15];

it.each(SEEDS)("seed %i: every promise holds at every step, and the outbox drains", async (seed) => {
  const options: SimOptions = { seed, steps: STEPS, sendWindowFaults: SEND_WINDOW_FAULTS };
  const report = await simulate(options);
  const failed = report.violations.map((v) => `step ${v.step}: ${v.invariant}: ${v.detail}`);
  if (failed.length > 0) console.error(`simulation seed ${seed} failed; replay: ${replayCommand(options)}\nsteps: ${report.trace.join(" ")}`);
  expect(failed).toEqual([]);
  // The run did what it is for: messages answered under crashes, not an idle object.
  expect(report.counts["message"] ?? 0).toBeGreaterThan(10);
  expect(report.checks).toBeGreaterThan(STEPS * 3);
});
