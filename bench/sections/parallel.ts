// Conversations side by side on one agent VM (the real VM and CLI, the offline model): a second
// conversation's run → its first model request while a long run goes in another, against the same
// with nothing else running, interleaved; and three runs started at once with the VM's peak memory.
import { arrivalOf, modelAsked, startRun } from "../parallel/drive";
import { type SecondSample, secondConversationFigures, sampleProblem, summarizeSide, type TripleRound, tripleFigures } from "../parallel/figures";
import { CONVERSATIONS, LONG_RUN_SETTLE_MS, MEMORY_SAMPLE_MS, type ParallelSide, roundOrder, samplesPerSide, THINK_MS, triplesRounds, turnText, VM_SETTINGS, WARM_UP_TURNS } from "../parallel/plan";
import { type ParallelStack, withParallelStack } from "../parallel/stack";
import { sampleTreePeak, treeMemory } from "../parallel/tree-memory";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";

export const DEFINITIONS = {
  figure: "the offline model's arrival time (Date.now() once the body is read) of the first POST /v1/messages carrying the run's text, minus the moment the run's POST /v1/runs was sent to the VM (Date.now() before the fetch); one machine and one clock, resolution ±1 ms",
  judged: "second conversation: p50 beside a long run − p50 alone, over the same run's samples; target ≤ 10 ms",
  second: "one user, two conversations (workspaces) on one VM started as npm run vm starts it, processes kept warm as shipped; each sample is a follow-up in conversation B (its session, its warm CLI) sent 1 s after B's previous run ended",
  beside: "conversation A's follow-up whose answer the offline model holds ([[slow MS]]) is started first; B's run is sent 1.5 s after A's request reached the model (A in the middle of its long run, its CLI waiting), and A's stream must still be open when B's request arrives",
  order: "rounds of one sample per side, alone then beside in even rounds and beside then alone in odd ones; warm-up turns in A and B first (the first spawns each CLI)",
  triple: "a VM of its own with WARM_SESSION_MS=0 (no agent process between rounds); each round starts three runs in three conversations of the user, new sessions, within a millisecond of each other, and waits until all end and their CLIs have exited",
  memory: "the summed VmRSS of the VM server's process tree (the server, each CLI and what it starts), read from /proc every 50 ms while a round's three runs go; the peak reported is the largest over rounds",
};

export const parallelSection: Section = {
  name: "parallel",
  title: "conversations side by side on one VM: a second conversation beside a long run against alone, three runs at once and the VM's peak memory",
  async run({ quick, log }: SectionOptions): Promise<SectionOutcome> {
    const second = await withParallelStack("second conversation", VM_SETTINGS.second, log, (stack) => measureSecond(stack, samplesPerSide(quick), log));
    const triple = await withParallelStack("three at once", VM_SETTINGS.triple, log, (stack) => measureTriple(stack, triplesRounds(quick), log));
    return {
      status: "ok",
      figures: [...secondConversationFigures(second), ...tripleFigures(triple)],
      details: {
        definitions: DEFINITIONS,
        summaries: (["beside", "alone"] as const).map((side) => summarizeSide(side, second)),
        samples: second.map((s) => ({ ...s, problem: sampleProblem(s) })),
        triples: triple,
      },
    };
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one turn to its end and returns its session, for the conversation's next turn. */
async function turn(stack: ParallelStack, workspace: string, text: string, sessionId: string | null): Promise<string | null> {
  const end = await startRun(stack.vmUrl, workspace, text, sessionId).end;
  if (!end.ok) throw new Error(`a run in ${workspace} failed: ${end.error}`);
  return end.sessionId;
}

async function measureSecond(stack: ParallelStack, rounds: number, log: (line: string) => void): Promise<SecondSample[]> {
  const runId = Date.now().toString(36);
  const sessions: { long: string | null; second: string | null } = { long: null, second: null };
  for (let i = 0; i < WARM_UP_TURNS; i++) {
    sessions.long = await turn(stack, CONVERSATIONS.long, turnText("warm_up", i, `${runId}-a`), sessions.long);
    sessions.second = await turn(stack, CONVERSATIONS.second, turnText("warm_up", i, `${runId}-b`), sessions.second);
  }
  log(`parallel: warmed up A and B; ${rounds} rounds of one follow-up in B per side`);
  const samples: SecondSample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const side of roundOrder(round)) {
      await sleep(THINK_MS);
      const sample = await secondSample(stack, side, round, runId, sessions);
      samples.push(sample);
      const problem = sampleProblem(sample);
      log(`parallel: round ${round + 1}/${rounds} ${side}: ${sample.firstModelMs ?? "no"} ms to the model${problem ? ` (set aside: ${problem})` : ""}`);
    }
  }
  return samples;
}

async function secondSample(stack: ParallelStack, side: ParallelSide, round: number, runId: string, sessions: { long: string | null; second: string | null }): Promise<SecondSample> {
  const long = side === "beside" ? startRun(stack.vmUrl, CONVERSATIONS.long, turnText("long", round, runId), sessions.long) : null;
  if (long) {
    await modelAsked(stack.model, turnText("long", round, runId), long.sentAt);
    await sleep(LONG_RUN_SETTLE_MS);
  }
  const text = turnText(side, round, runId);
  const run = startRun(stack.vmUrl, CONVERSATIONS.second, text, sessions.second);
  const end = await run.end;
  const arrivedAt = arrivalOf(stack.model, text, run.sentAt);
  if (end.sessionId) sessions.second = end.sessionId;
  let longRunLive: boolean | null = null;
  if (long) {
    const longEnd = await long.end;
    if (longEnd.sessionId) sessions.long = longEnd.sessionId;
    longRunLive = longEnd.ok && arrivedAt !== null && arrivedAt < longEnd.endedAt;
  }
  return { side, round, firstModelMs: arrivedAt === null ? null : arrivedAt - run.sentAt, error: end.ok ? null : end.error, longRunLive };
}

async function measureTriple(stack: ParallelStack, rounds: number, log: (line: string) => void): Promise<TripleRound[]> {
  const runId = Date.now().toString(36);
  // The server's own processes, if any, before any agent starts.
  const serverOnly = treeMemory(stack.vmPid).processes;
  // One run first, so the files the CLI reads at start are in the page cache for every round alike.
  await turn(stack, CONVERSATIONS.triple[0], turnText("warm_up", 0, `${runId}-t`), null);
  await agentsGone(stack.vmPid, serverOnly);
  const results: TripleRound[] = [];
  for (let round = 0; round < rounds; round++) {
    const idle = treeMemory(stack.vmPid);
    const sampler = sampleTreePeak(stack.vmPid, MEMORY_SAMPLE_MS);
    const texts = CONVERSATIONS.triple.map((_, i) => turnText("triple", round * 3 + i, runId));
    const started = CONVERSATIONS.triple.map((workspace, i) => startRun(stack.vmUrl, workspace, texts[i]!, null));
    const ends = await Promise.all(started.map((run) => run.end));
    await agentsGone(stack.vmPid, serverOnly);
    const peak = sampler.stop();
    const runs = started.map((run, i) => {
      const at = arrivalOf(stack.model, texts[i]!, run.sentAt);
      return { firstModelMs: at === null ? null : at - run.sentAt, error: ends[i]!.ok ? null : ends[i]!.error };
    });
    results.push({ round, runs, peakRssMb: peak.rssMb, peakProcesses: peak.processes, idleRssMb: idle.rssMb });
    log(`parallel: three at once, round ${round + 1}/${rounds}: ${runs.map((r) => `${r.firstModelMs ?? "no"} ms`).join(", ")} to the model; peak ${peak.rssMb} MB over ${peak.processes} processes`);
  }
  return results;
}

/** Waits until the VM's tree is back to the server's own processes (WARM_SESSION_MS=0: each CLI exits after its run). */
async function agentsGone(vmPid: number, serverOnly: number, timeoutMs = 30_000): Promise<void> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(50)) {
    if (treeMemory(vmPid).processes <= serverOnly) return;
  }
  throw new Error(`the VM's tree still holds ${treeMemory(vmPid).processes} processes (${serverOnly} before any run) ${timeoutMs} ms after the runs ended`);
}
