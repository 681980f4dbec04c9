// The per-user Machines benchmark (VM_MODE=machines, issue 21): webhook → the offline model's first
// request, for one phone's conversation through a warm Machine, after the relay's idle suspension
// (the CLI kept warm across it) and from a stopped Machine, each N times, in one run beside the
// same warm path through today's shared VM. Stack: bench/machines/stack.ts.
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { bareWarmCliMs } from "../machines/bare-cli";
import { machineIdOf, runCreatedAts, sendTurn, stopThroughApi, type Turn, volumeDirOf, waitSuspendedByRelay } from "../machines/drive";
import { machinesFigures } from "../machines/figures";
import { createToModelFigure, firstMachineFigure, firstRunCli, splitFirstMachine } from "../machines/first-machine";
import { readStateFile, stateFileOf } from "../../emulator/fly/shell/state-file";
import { modelArrival, type PathSample, relayDuring, sampleProblem, summarizePath, vmReceivedAt } from "../machines/measure";
import { BENCH_IDLE_MS, BENCH_PHONES, type MeasuredPath, modelEnv, ROUND, samplesPerPath, THINK_MS, turnText, WARM_UP_TURNS } from "../machines/plan";
import { type MachinesStack, withMachinesStack } from "../machines/stack";

export const DEFINITIONS = {
  parts: "the figure split where the VM took the run: its run log's createdAt (DATA_DIR/.runs/<runId>.meta.json, the VM's Date.now() once it parsed POST /v1/runs): before it the relay (webhook, Durable Object, Machine start) and the proxy; after it the VM handing the turn to the CLI and the CLI's request",
  figure: "the offline model's arrival time (Date.now() once the body is read) of the first POST /v1/messages at or after the moment the signed webhook was sent (Date.now() before the fetch), on one machine and one clock; resolution ±1 ms",
  turnRequest: "the same to the first request whose body carries the message's own text (the CLI's request for the turn)",
  warm: "the Machine started (the relay's row says so: no Machines API call), its CLI warm from the previous turn",
  suspended: "after MACHINE_IDLE_MS (3 s here) with no run the relay's alarm suspended the Machine (SIGSTOP of its process tree in the stand-in); the relay starts it with lease, start, release and a check (its machine_started coldStartMs), then the run goes through the proxy to the same VM and the same warm CLI",
  stopped: "the relay's alarm suspended it, then the bench stopped it through the Machines API under a lease of its own (a stop drops the snapshot); the relay's row still says suspended, and its path for a stopped Machine is the same (core/machine-plan nextStep: start, no update): lease, start (a new VM process), release, check, then a new CLI resuming the session",
  bareCli: "one CLI process with the VM's stream-json flags (no relay MCP tools), a cold turn then N turns written on its stdin as the VM writes a warm process's: the write (Date.now()) → the model's first POST /v1/messages",
  sharedWarm: "VM_MODE=shared: the relay's VM_URL straight to one agent VM process (the same command as the Machines'), its CLI warm from the previous turn",
  firstWarm: "the turn right after each stopped one, the Machine's CLI warm from it: the first warm turn of a VM process and a CLI that have just started (after a cold start a user's second message takes this path); the next round's warm turn is the second",
  think: "a turn on a warm CLI (warm, first warm, shared warm, the bare CLI) is sent 1 s after the previous turn ended, as a person who read the reply: the CLI works for up to a second after each result",
  order: "rounds of warm, shared warm, suspended, stopped, first warm; three warm-up turns per relay first (the first makes the volume and the Machine)",
};

export const machinesSection: Section = {
  name: "machines",
  title: "per-user Machines: webhook → first model request through a warm Machine, after an idle suspension, from a stopped Machine, and the shared VM warm",
  run: runMachines,
};

async function runMachines({ quick, log }: SectionOptions): Promise<SectionOutcome> {
  return withMachinesStack(log, (stack) => measureMachines(stack, samplesPerPath(quick), log));
}

async function measureMachines(stack: MachinesStack, rounds: number, log: (line: string) => void): Promise<SectionOutcome> {
  const runId = Date.now().toString(36);
  const relayOf = (path: MeasuredPath) => (path === "shared_warm" ? stack.sharedRelay : stack.machinesRelay);
  const phoneOf = (path: MeasuredPath) => (path === "shared_warm" ? BENCH_PHONES.shared : BENCH_PHONES.machines);

  const warmUp: { relay: string; turn: number; ms: number }[] = [];
  let firstTurn: { turn: Turn; text: string } | null = null;
  for (let i = 0; i < WARM_UP_TURNS; i++) {
    for (const path of ["warm", "shared_warm"] as const) {
      const text = turnText("warm_up", i, runId);
      const turn = await sendTurn(stack, relayOf(path), phoneOf(path), text);
      if (turn.webhookStatus !== 200) throw new Error(`warm-up webhook answered ${turn.webhookStatus}`);
      // The machines relay's first turn is a new user's: it makes the volume and the Machine.
      if (path === "warm" && i === 0) firstTurn = { turn, text };
      warmUp.push({ relay: path === "warm" ? "machines" : "shared", turn: i, ms: turn.endAt - turn.sentAt });
    }
  }
  const machineId = machineIdOf(stack.machinesRelay);
  const vmDataDir = { machines: await volumeDirOf(stack, machineId), shared: stack.sharedVmDataDir };
  const firstMachine = splitFirstMachine({
    sentAt: firstTurn!.turn.sentAt,
    text: firstTurn!.text,
    machineCreatedAt: machineCreatedAt(stack, machineId),
    vmRunCreatedAts: await runCreatedAts(vmDataDir.machines),
    modelRequests: firstTurn!.turn.modelRequests,
  });
  const firstCli = firstRunCli(stack.machineMarks, firstTurn!.turn.sentAt);
  log(`machines: warmed up (Machine ${machineId}); ${rounds} rounds of ${ROUND.join(", ")}`);

  const samples: PathSample[] = [];
  let lastMachinesTurnEnd = Date.now();
  for (let round = 0; round < rounds; round++) {
    for (const path of ROUND) {
      if (path === "suspended" || path === "stopped") await waitSuspendedByRelay(stack, machineId, lastMachinesTurnEnd, BENCH_IDLE_MS);
      if (path === "stopped") await stopThroughApi(stack, machineId);
      else if (path !== "suspended") await sleep(THINK_MS);
      const text = turnText(path, round, runId);
      const turn = await sendTurn(stack, relayOf(path), phoneOf(path), text);
      if (path !== "shared_warm") lastMachinesTurnEnd = turn.endAt;
      const vmCreatedAts = await runCreatedAts(path === "shared_warm" ? vmDataDir.shared : vmDataDir.machines);
      const sample = sampleOf(path, round, text, turn, relayOf(path).events, vmCreatedAts);
      samples.push(sample);
      const problem = sampleProblem(sample);
      log(`machines: round ${round + 1}/${rounds} ${path}: ${sample.firstModelMs ?? "no"} ms to the model${problem ? ` (set aside: ${problem})` : ""}`);
    }
  }
  log("machines: the floor, a bare CLI given warm turns on stdin");
  const bareCliMs = await bareWarmCliMs(stack.model, modelEnv(stack.model.url, process.getuid?.() === 0), rounds, THINK_MS);
  const reloads = [...stack.machinesRelay.reloads, ...stack.sharedRelay.reloads];
  for (const reload of reloads) log(`machines: wrangler reloaded a relay at ${new Date(reload.at).toISOString()} (a source file changed): this run is disturbed`);

  return {
    status: "ok",
    figures: [...machinesFigures(samples, bareCliMs, reloads.length), firstMachineFigure(firstMachine), createToModelFigure(firstMachine, firstCli)],
    details: {
      definitions: DEFINITIONS,
      idleMs: BENCH_IDLE_MS,
      machineId,
      warmUp,
      firstMachine,
      firstCli,
      summaries: ROUND.map((path) => summarizePath(path, samples)),
      bareCliMs,
      samples: samples.map((s) => ({ ...s, problem: sampleProblem(s) })),
      reloads,
      flyLog: stack.flyLog,
    },
  };
}

/** When the stand-in took the relay's create of the Machine (its record's createdAt, ms; the API's created_at has whole seconds). */
function machineCreatedAt(stack: MachinesStack, machineId: string): number {
  const record = readStateFile(stateFileOf(stack.flyDataDir)).machines.find((m) => m.id === machineId);
  if (!record) throw new Error(`the Fly stand-in has no record of machine ${machineId}`);
  return record.createdAt;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sampleOf(path: MeasuredPath, round: number, text: string, turn: Turn, events: Parameters<typeof relayDuring>[0], vmCreatedAts: readonly number[]): PathSample {
  const arrival = modelArrival(turn.modelRequests, turn.sentAt, text);
  const vmAt = vmReceivedAt(vmCreatedAts, turn.sentAt);
  return {
    path,
    round,
    sentAt: turn.sentAt,
    webhookStatus: turn.webhookStatus,
    webhookMs: turn.webhookMs,
    firstModelMs: arrival.firstAt === null ? null : arrival.firstAt - turn.sentAt,
    turnModelMs: arrival.turnAt === null ? null : arrival.turnAt - turn.sentAt,
    toVmMs: vmAt === null ? null : vmAt - turn.sentAt,
    vmToModelMs: vmAt === null || arrival.firstAt === null ? null : arrival.firstAt - vmAt,
    ...relayDuring(events, turn.sentAt, turn.endAt),
  };
}
