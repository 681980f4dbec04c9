// The runs unit reading its streams: every live VM run's event stream read at once until something
// changes in one of them or a tick is due (runs/stream-ticks.ts: each stream keeps its own
// heartbeat, typing and progress times), each event applied once by run-effects.ts, a run's last
// answer held for the end that follows it. Part of run-driver.ts, which opens the streams
// (run-open.ts) and fails the runs whose stream breaks.
import { type VmRunEvent, VmStreamLineSchema } from "../protocol/vm/runs";
import { eventPrefix } from "../messages/event-guard";
import { nextProgressAt, openWait, progressUpdateText } from "./progress-update";
import { nextTickAt } from "./stream-ticks";
import type { RunFailure } from "../messages/run-failure";
import type { Run } from "./run-lifecycle";
import { applyRunEnd, applyRunEvent, type ApplyOutcome } from "./run-effects";
import { stepTime } from "../shared/step-time";
import { readJson } from "../shared/json-text";
import type { RunDriverDeps } from "./run-driver-deps";

export type RunStep =
  /** No run is open and nothing queued can start one. */
  | { kind: "idle" }
  /** The open runs nobody reads wait for their next attempt (the earliest at `at`). */
  | { kind: "waiting"; at: number }
  /** Rows changed (a batch started, an event or a failure applied, input injected). */
  | { kind: "changed" }
  /** A run ended: the next batch of its conversation may start. */
  | { kind: "finished" }
  /** `until` came with no news from the stream: something else may be due. */
  | { kind: "timer" };

export type LiveStream = {
  run: Run;
  /** The seq the next event must carry: the VM numbers a run's events 1, 2, 3… with no gap. */
  expectedSeq: number;
  lines: AsyncIterator<string>;
  pending: Promise<IteratorResult<string>>;
  abort: AbortController;
  lastLineAt: number;
  lastTypingAt: number;
  /** When this instance started reading the run (it knows nothing of updates sent before). */
  knownSince: number;
  /**
   * The run's last answer, read and not applied: it is applied with the end that follows it, in
   * one transaction, or alone at `until`. In memory only: lost with the stream, it is read again
   * on the reconnect (the run's stored seq is still before it).
   */
  heldAnswer: { event: Extract<VmRunEvent, { type: "result" }>; at: number; until: number } | null;
};

/** What this instance last saw (in memory: /status reports it without asking anyone). */
export type Observed = {
  /** The agent's last progress line ("Running: npm test") in the run this instance read. */
  progress: { runId: string; text: string; at: number } | null;
  /** The last progress line of each run this instance reads (several conversations at once). */
  progressByRun: Map<string, { text: string; at: number }>;
  /** How the VM last answered a start or reconnect. */
  vm: { ok: boolean; at: number; failure: string | null } | null;
};

/** What the parts of the runs unit share: the streams this instance reads, what it saw, and how a run fails. */
export type Reading = {
  /** The streams this instance reads, by run: one per live run. */
  lives: Map<string, LiveStream>;
  observed: Observed;
  /** A wake that came while no stream was read (between steps), and the signal to the read going. */
  wake: { pending: boolean; signal: (() => void) | null };
  /** Lets go of one run's stream, or of every one (the pump ends). */
  close(runId?: string): void;
  /** `dropped`: the stream ended or broke before the run did, or its heartbeat stopped (run-lifecycle.ts, probesVm). */
  fail(run: Run, failure: RunFailure, detail: string, now: number, dropped?: boolean): Promise<RunStep>;
  /** Posts every answer the VM run has not heard yet. */
  deliverAnswers(vmRunId: string, present: () => number): Promise<void>;
  /** Messages that arrived during the run become further turns of the live session. */
  injectQueued(run: Run, now: number): Promise<boolean>;
};

/** What this instance saw of a run for its progress updates (in memory: lost with it, harmlessly). */
type ProgressSeen = { lines: string[]; lastAt: number | null };
/** Progress lines kept per run for its updates: the counts need the whole run, not its last line. */
const MAX_PROGRESS_LINES = 500;
/**
 * How long a run's last answer waits for the terminal event the VM sends with it (vm/src/core/
 * run-tracker.ts conclude() holds the two together): both are applied in one transaction, so the
 * reply never reaches the outbox while the run is open, and an /undo sent on it finds the run over
 * and its change recorded. Heartbeats between them do not end the wait. Bounded: a VM that sends
 * no end (or a further turn's events) delays the reply by this much at most; the answer then goes
 * alone, and the run is over only at its end.
 */
const END_WITH_LAST_ANSWER_MS = 3_000;

export function createStreamReader(d: RunDriverDeps, reading: Reading) {
  const { lives, observed, fail } = reading;
  const progressSeen = new Map<string, ProgressSeen>();
  const seenOf = (runId: string): ProgressSeen => {
    let seen = progressSeen.get(runId);
    if (!seen) {
      // What runs no longer read left is of no use.
      for (const id of progressSeen.keys()) if (!lives.has(id)) progressSeen.delete(id);
      progressSeen.set(runId, (seen = { lines: [], lastAt: null }));
    }
    return seen;
  };
  /** When the next update is due for the run being read, on the agent's clock (its waits for the user's answers left out). */
  const progressDueAt = (s: LiveStream): number | null =>
    d.progress.wanted()
      ? nextProgressAt({ runStartedAt: s.run.createdAt, lastAt: seenOf(s.run.id).lastAt, knownSince: s.knownSince, pacing: d.progress.pacing, waits: d.approvals.waitsOf(s.run.id) })
      : null;
  /** No typing indicator while the run waits for the user: the wait is theirs, not the agent's work. */
  const typingAt = (s: LiveStream): number | null => (openWait(d.approvals.waitsOf(s.run.id)) ? null : s.lastTypingAt);

  /**
   * Reads every live stream until something changes in one of them or a tick is due
   * (runs/stream-ticks.ts): each stream keeps its own heartbeat, typing and progress times.
   */
  const read = async (now: number, until: number | null): Promise<RunStep> => {
    const present = stepTime(now, d.clock);
    for (;;) {
      const streams = [...lives.values()];
      if (streams.length === 0) return { kind: "changed" };
      const wake = reading.wake.pending ? Promise.resolve("wake" as const) : new Promise<"wake">((resolve) => (reading.wake.signal = () => resolve("wake")));
      const ticks = streams.map((s) => ({ s, next: nextTickAt({ lastLineAt: s.lastLineAt, lastTypingAt: typingAt(s), progressAt: progressDueAt(s), answerHeldUntil: s.heldAnswer?.until ?? null }, { until }) }));
      const first = ticks.reduce((a, b) => (b.next.at < a.next.at ? b : a));
      let timer: ReturnType<typeof setTimeout> | null = null;
      const tick = new Promise<"tick">((resolve) => (timer = setTimeout(() => resolve("tick"), Math.max(0, first.next.at - present()))));
      const lineOf = (s: LiveStream) => s.pending.then((r) => ({ s, r }), () => ({ s, r: "broken" as const }));
      const winner = await Promise.race([...streams.map(lineOf), wake, tick]);
      if (timer !== null) clearTimeout(timer);
      // The time of what happened: the step's `now` plus how long the read waited for it.
      const at = present();

      if (winner === "wake") {
        // Something changed outside the streams (a message, a command's answer): inject what can
        // join each live run (its own conversation's), and hand back so the object sends and re-plans.
        reading.wake.pending = false;
        for (const s of streams) await reading.injectQueued(s.run, at);
        return { kind: "changed" };
      }
      const s = winner === "tick" ? first.s : winner.s;
      const { run } = s;
      const next = first.next;
      if (winner === "tick") {
        switch (next.tick) {
          case "dead":
            return fail(run, { kind: "transport", reason: "bad_stream" }, "no heartbeat", at, true);
          case "lone_answer":
            return outcomeOf(s, applyHeld(s), at);
          case "typing":
            await d.sendTyping();
            s.lastTypingAt = present();
            continue;
          case "progress": {
            const seen = seenOf(run.id);
            seen.lastAt = at;
            // Named by its conversation when more than one runs (or it is not the current one).
            const tag = d.conversations.prefixFor(run.conversationId, d.runs.openAll().length);
            const text = tag + eventPrefix(d.messages.eventsOfRun(run.id)) + progressUpdateText(seen.lines, run.createdAt, seen.lastAt, d.approvals.waitsOf(run.id));
            // A run that lasts past its first update says once where to watch it (the count is the outbox's: an eviction does not repeat it).
            const watch = d.progress.sentOf?.(run.id) === 0 ? await d.live?.watchLine?.(run.conversationId) : null;
            d.progress.send(run.id, watch ? `${text}\n${watch}` : text, at);
            return { kind: "changed" };
          }
          case "hand_back":
            return { kind: "timer" };
        }
      }
      const read = winner.r;
      if (read === "broken" || read.done) return fail(run, { kind: "transport", reason: "bad_stream" }, "stream ended before the run did", at, true);
      s.lastLineAt = at;
      s.pending = quiet(s.lines.next());
      const line = parseLine(read.value);
      if (line === null) return fail(run, { kind: "transport", reason: "bad_stream" }, "invalid event line", at);
      if (line.type === "heartbeat") continue;
      // A gap, a repeat or a seq from elsewhere: the stream is not this run's, so nothing of it is
      // applied (a held last answer neither: the reconnect reads it again).
      if (line.seq !== s.expectedSeq) return fail(run, { kind: "transport", reason: "bad_stream" }, `seq ${line.seq}, expected ${s.expectedSeq}`, at);
      s.expectedSeq++;
      // A held last answer goes with the run's end, or alone before any other event.
      if (s.heldAnswer && (line.type === "done" || line.type === "error")) {
        const held = s.heldAnswer;
        s.heldAnswer = null;
        const ended = applyRunEnd(d, run.id, run.vmRunId, held.event, line, at);
        if (ended !== "invalid") d.happened({ kind: "run_events_applied", run, events: [held.event, line], at });
        return outcomeOf(s, ended, at);
      }
      const alone = s.heldAnswer ? applyHeld(s) : null;
      if (alone === "invalid" || alone === "terminal") return outcomeOf(s, alone, at);
      if (line.type === "progress") {
        observed.progress = { runId: run.id, text: line.text, at };
        observed.progressByRun.set(run.id, { text: line.text, at });
        for (const id of observed.progressByRun.keys()) if (!lives.has(id)) observed.progressByRun.delete(id);
        const seen = seenOf(run.id).lines;
        if (seen.length < MAX_PROGRESS_LINES) seen.push(line.text);
      }
      // A request too long for one message gets its page's link first (an RPC: never inside the event's transaction).
      if (line.type === "approval_request") await d.approvals.prepare?.(run, line);
      // The run's last answer: its end comes right behind it, and is applied with it.
      if (line.type === "result" && isLastAnswer(run.id, line.messageIds)) {
        s.heldAnswer = { event: line, at, until: at + END_WITH_LAST_ANSWER_MS };
        continue;
      }
      const outcome = applyRunEvent(d, run.id, run.vmRunId, line, at);
      if (outcome !== "invalid" && outcome !== "replay") d.happened({ kind: "run_events_applied", run, events: [line], at });
      if (line.type === "tool_call") await reading.deliverAnswers(run.vmRunId, present);
      if (outcome === "invalid" || outcome === "terminal") return outcomeOf(s, outcome, at);
      // A progress line or a replayed event wrote nothing: keep reading (unless the held answer went).
      if ((outcome === "applied" && line.type !== "progress") || alone === "applied") return { kind: "changed" };
    }
  };

  /** Applies a stream's held last answer alone (no end came with it in time, or another event did). */
  const applyHeld = (s: LiveStream): ApplyOutcome => {
    const held = s.heldAnswer!;
    s.heldAnswer = null;
    const outcome = applyRunEvent(d, s.run.id, s.run.vmRunId, held.event, held.at);
    if (outcome !== "invalid" && outcome !== "replay") d.happened({ kind: "run_events_applied", run: s.run, events: [held.event], at: held.at });
    return outcome;
  };

  /** What an applied event means for the read: a bad stream fails the run, an end finishes it. */
  const outcomeOf = (s: LiveStream, outcome: ApplyOutcome, at: number): Promise<RunStep> | RunStep => {
    if (outcome === "invalid") return fail(s.run, { kind: "transport", reason: "bad_stream" }, "an event named messages this run does not carry", at);
    if (outcome === "terminal") {
      reading.close(s.run.id);
      return { kind: "finished" };
    }
    return { kind: "changed" };
  };

  /** Whether a result answers every message the run still holds: the VM's end follows it. */
  const isLastAnswer = (runId: string, answered: readonly string[]): boolean =>
    !d.messages.pending().some((m) => m.status === "handed" && m.runId === runId && !answered.includes(m.id));

  return read;
}

/** A pending read whose rejection is handled where it is awaited, not reported as unhandled. */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function parseLine(text: string) {
  return readJson(VmStreamLineSchema, text);
}
