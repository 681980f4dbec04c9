// The checkpoint off the path to the model: webhook → the offline model's first request for a
// warm follow-up, through the real relay and the real agent VM with CHECKPOINTS=on and with
// CHECKPOINTS=off, interleaved in one run (bench/checkpoints/path-*.ts).
import { sendTurn, runCreatedAts, type Turn } from "../machines/drive";
import { modelArrival, vmReceivedAt } from "../machines/measure";
import { THINK_MS } from "../machines/plan";
import { type CheckpointPathSample, checkpointPathFigures, sampleProblem, summarizeSide } from "../checkpoints/path-figures";
import { CHECKPOINT_PHONES, type CheckpointSide, roundOrder, samplesPerSide, turnText, WARM_UP_TURNS } from "../checkpoints/path-plan";
import { type CheckpointPathStack, withCheckpointPathStack } from "../checkpoints/path-stack";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";

export const DEFINITIONS = {
  figure: "the offline model's (one per VM) arrival time (Date.now() once the body is read) of the first POST /v1/messages at or after the moment the signed webhook was sent (Date.now() before the fetch), one machine and one clock; resolution ±1 ms",
  judged: "p50 with checkpoints on − p50 with checkpoints off, over the same run's samples; target ≤ 10 ms (issue 30)",
  sides: "two agent VMs started alike (npm run vm's command, the image's node flags, the offline model), one with CHECKPOINTS=on (as shipped) and one with CHECKPOINTS=off, each behind a relay of its own under wrangler dev (VM_MODE=shared), one phone each",
  warm: "each sample is a follow-up to a warm CLI: the previous turn of that phone ended (model request, run_finished, reply at the emulator) and 1 s passed, as a person who read the reply",
  order: "rounds of one sample per side, on then off in even rounds and off then on in odd ones; warm-up turns per side first (the first spawns the CLI)",
  parts: "the figure split where the VM took the run: its run log's createdAt (DATA_DIR/.runs/<runId>.meta.json): before it the relay; after it the VM (and, with checkpoints on, the checkpoint before the run beside it) and the CLI",
};

export const checkpointPathSection: Section = {
  name: "checkpoint-path",
  title: "the checkpoint off the path to the model: webhook → first model request, warm, checkpoints on against off, interleaved",
  run: ({ quick, log }: SectionOptions) => withCheckpointPathStack(log, (stack) => measure(stack, samplesPerSide(quick), log)),
};

async function measure(stack: CheckpointPathStack, rounds: number, log: (line: string) => void): Promise<SectionOutcome> {
  const runId = Date.now().toString(36);
  const warmUp: { side: CheckpointSide; turn: number; ms: number }[] = [];
  for (let i = 0; i < WARM_UP_TURNS; i++) {
    for (const side of roundOrder(i)) {
      const turn = await sendTurn({ model: stack.models[side], twilio: stack.twilio }, stack.relays[side], CHECKPOINT_PHONES[side], turnText(side, "warm_up", i, runId));
      if (turn.webhookStatus !== 200) throw new Error(`warm-up webhook answered ${turn.webhookStatus}`);
      warmUp.push({ side, turn: i, ms: turn.endAt - turn.sentAt });
    }
  }
  log(`checkpoint-path: warmed up; ${rounds} rounds of one follow-up per side`);
  const samples: CheckpointPathSample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const side of roundOrder(round)) {
      await new Promise((resolve) => setTimeout(resolve, THINK_MS));
      const text = turnText(side, "sample", round, runId);
      const turn = await sendTurn({ model: stack.models[side], twilio: stack.twilio }, stack.relays[side], CHECKPOINT_PHONES[side], text);
      const sample = sampleOf(side, round, text, turn, await runCreatedAts(stack.vmDataDirs[side]));
      samples.push(sample);
      const problem = sampleProblem(sample);
      log(`checkpoint-path: round ${round + 1}/${rounds} ${side}: ${sample.firstModelMs ?? "no"} ms to the model${problem ? ` (set aside: ${problem})` : ""}`);
    }
  }
  const reloads = [...stack.relays.on.reloads, ...stack.relays.off.reloads];
  for (const reload of reloads) log(`checkpoint-path: wrangler reloaded a relay at ${new Date(reload.at).toISOString()} (a source file changed): this run is disturbed`);
  return {
    status: "ok",
    figures: checkpointPathFigures(samples, reloads.length),
    details: {
      definitions: DEFINITIONS,
      warmUp,
      summaries: (["on", "off"] as const).map((side) => summarizeSide(side, samples)),
      samples: samples.map((s) => ({ ...s, problem: sampleProblem(s) })),
      reloads,
    },
  };
}

function sampleOf(side: CheckpointSide, round: number, text: string, turn: Turn, vmCreatedAts: readonly number[]): CheckpointPathSample {
  const arrival = modelArrival(turn.modelRequests, turn.sentAt, text);
  const vmAt = vmReceivedAt(vmCreatedAts, turn.sentAt);
  return {
    side,
    round,
    sentAt: turn.sentAt,
    webhookStatus: turn.webhookStatus,
    webhookMs: turn.webhookMs,
    firstModelMs: arrival.firstAt === null ? null : arrival.firstAt - turn.sentAt,
    turnModelMs: arrival.turnAt === null ? null : arrival.turnAt - turn.sentAt,
    toVmMs: vmAt === null ? null : vmAt - turn.sentAt,
    vmToModelMs: vmAt === null || arrival.firstAt === null ? null : arrival.firstAt - vmAt,
  };
}
