// The runs unit: drives this phone's agent runs against the VM one step at a time. Several
// conversations run at once (one run each, up to MAX_PARALLEL_RUNS: runs/run-slots.ts): a step
// starts a batch (run-batches.ts), reaches the Machine and opens a run's event stream (with what
// run-input.ts gives it), or reads every open stream until something changes in one, and says
// what happened; the object then does whatever else is due and steps again.
// It does the I/O only: every change of a run is decided by runs/run-lifecycle.ts and applied by
// run-effects. Each event is applied exactly once (its seq is stored with its effect).
import { type VmRunEvent, VmStreamLineSchema } from "../protocol/vm/runs";
import { injectable } from "./batching";
import { eventPrefix } from "../messages/event-guard";
import { readLines } from "../shared/ndjson";
import { nextProgressAt, openWait, type ProgressPacing, progressUpdateText } from "./progress-update";
import { nextTickAt, TYPING_REFRESH_MS } from "./stream-ticks";
import { earliest, runsDueAt } from "../shared/wake-plan";
import type { RunFailure } from "../messages/run-failure";
import { DROP_PROBE_TIMEOUT_MS, MAX_MESSAGES_PER_TURN, probeAgainAt, probesAgain, probesVm, type Run, type RunEvent, stepRun, takesInput, type VmProbe } from "./run-lifecycle";
import { applyFailure, applyRunEnd, applyRunEvent, applyStep, type ApplyOutcome, type RunEffectsDeps } from "./run-effects";
import type { RunApprovals, RunConversations } from "./run-ports";
import type { VmAnswers } from "./vm-answers";
import type { VmClient } from "../machines/vm-client";
import type { Clock } from "../shared/clock";
import { stepTime } from "../shared/step-time";
import { createRunBatches, type RunBatchesDeps } from "./run-batches";
import { startRequestOf, toInput, type RunInputDeps } from "./run-input";
import { readJson } from "../shared/json-text";
import type { Wake } from "../protocol/vm/wake";

const TYPING_DELAY_MS = 1_500;

/** What the runs unit needs: what starts a batch (run-batches.ts), what a VM run is given (run-input.ts), and the rest here. */
export type RunDriverDeps = Omit<RunBatchesDeps, "conversations" | "approvals"> & Omit<RunInputDeps, "conversations" | "approvals"> & {
  conversations: RunEffectsDeps["conversations"] & Pick<RunConversations, "keepWarmFor">;
  vm: VmClient | null;
  /** Shows WhatsApp's typing indicator on the user's last message. */
  sendTyping: () => Promise<unknown>;
  approvals: RunEffectsDeps["approvals"] & Pick<RunApprovals, "runOption" | "planRunOption" | "heardLate" | "hasPending" | "waitsOf" | "prepare">;
  answers: RunEffectsDeps["answers"] & Pick<VmAnswers, "deliver">;
  /** Updates during long runs (/progress): whether this user wants them, how often, and the send. */
  progress: { wanted(): boolean; pacing: ProgressPacing; send(runId: string, text: string, now: number): void; sentOf?(runId: string): number };
  /** The pages watching runs live: what each event shows there (web/live-pages.ts). */
  live?: {
    /** The events of one step of the run's stream (its last answer and end go together): one row. */
    record(run: Run, events: readonly VmRunEvent[], at: number): void;
    /** A run began: the pages open on its conversation show it from here (web/live-pages.ts). */
    started?(run: Run, at: number): void;
    /** The line that says where to watch a conversation's run live (its page's link), or null: no links here. */
    watchLine?(conversationId: number): Promise<string | null>;
  };
  /** Retention's pruning, after each run that ended. */
  afterRun: (now: number) => void;
  /** Dates what a step sees after it awaited (a stream read waits minutes, a start up to 30 s): see stepTime. */
  clock: Clock;
};

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

type LiveStream = {
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

/** What this instance last saw (in memory: /status reports it without asking anyone). */
export type Observed = {
  /** The agent's last progress line ("Running: npm test") in the run this instance read. */
  progress: { runId: string; text: string; at: number } | null;
  /** The last progress line of each run this instance reads (several conversations at once). */
  progressByRun: Map<string, { text: string; at: number }>;
  /** How the VM last answered a start or reconnect. */
  vm: { ok: boolean; at: number; failure: string | null } | null;
};

export function createRunDriver(d: RunDriverDeps) {
  const observed: Observed = { progress: null, progressByRun: new Map(), vm: null };
  const batches = createRunBatches(d);
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
  /** The streams this instance reads, by run: one per live run. */
  const lives = new Map<string, LiveStream>();
  let wakeSignal: (() => void) | null = null;
  /** A wake that came while no stream was read (between steps). */
  let wakePending = false;

  /** Lets go of one run's stream, or of every one (the pump ends). */
  const close = (runId?: string): void => {
    for (const [id, s] of lives) {
      if (runId !== undefined && id !== runId) continue;
      s.abort.abort();
      lives.delete(id);
    }
    if (lives.size === 0) wakeSignal = null;
  };

  /** `dropped`: the stream ended or broke before the run did, or its heartbeat stopped (run-lifecycle.ts, probesVm). */
  const fail = async (run: Run, failure: RunFailure, detail: string, now: number, dropped = false): Promise<RunStep> => {
    close(run.id);
    // A stream that dropped: a VM that answers its health check at once is read again at once, not after 5 s.
    const probed = await probeAfter(run.id, failure, dropped);
    // A VM that did not answer: the wait's next probe comes PROBE_AGAIN_MS after the failure.
    // Never a Machine not known to be started: a probe would start it, and its connect phase has its own deadline.
    if (probesAgain(failure, dropped) && d.vm?.ready()) lastProbe.set(run.id, now);
    else lastProbe.delete(run.id);
    const step = d.transaction(() => applyFailure(d, run.id, failure, now, { message: detail }, probed));
    // Its run_decision line names the failure; a run already over decided nothing, so this says it.
    if (!step) d.log("run_failure", { runId: run.id, vmRunId: run.vmRunId, failure, detail });
    // A stream lost beyond recovery may leave the VM run going: it must not go on beside the next run.
    for (const e of step?.effects ?? []) if (e.type === "cancel_vm") await d.vm?.cancel(e.vmRunId);
    return { kind: "changed" };
  };

  /** When this instance last asked the VM about each run waiting for its retry (or saw it fail): in memory, an eviction asks again. */
  const lastProbe = new Map<string, number>();
  /** When the runs waiting out a retry have the VM asked again (run-lifecycle.ts, probeAgainAt). */
  const probeTimes = (unread: readonly Run[], now: number) => unread.map((r) => probeAgainAt(r, lastProbe.get(r.id) ?? null, now));

  /** The VM's health check, bounded: healthy in time, or not (a Machine not known to be started is not asked: a probe would start it). */
  const probe = async (run: Run): Promise<VmProbe> => {
    const health = d.vm?.ready() ? await d.vm.health(DROP_PROBE_TIMEOUT_MS) : ({ ok: false, failure: "unreachable" } as const);
    const answered = health.ok && health.problem === null;
    d.log("run_probe", { runId: run.id, vmRunId: run.vmRunId, answered, ...(health.ok ? { ms: health.ms } : { failure: health.failure }) });
    return answered ? "answered" : "silent";
  };

  /** The probe a failure asks for (run-lifecycle.ts, probesVm); the streak is the stored row's. */
  const probeAfter = async (runId: string, failure: RunFailure, dropped: boolean): Promise<VmProbe | undefined> => {
    const stored = d.runs.get(runId);
    return stored && probesVm(failure, dropped, stored.transportFailures) ? probe(stored) : undefined;
  };

  /** Asks the VM again for a run waiting out its retry: back and healthy, the retry is due now. */
  const probeWaiting = async (run: Run, now: number): Promise<RunStep> => {
    lastProbe.set(run.id, now);
    const present = stepTime(now, d.clock);
    if ((await probe(run)) === "silent") {
      // A Machine that went away meanwhile is left to its connect phase.
      if (!d.vm?.ready()) lastProbe.delete(run.id);
      return { kind: "changed" };
    }
    d.transaction(() => {
      const fresh = d.runs.get(run.id);
      applyStep(d, fresh, stepRun(fresh, d.messages.pending(), { type: "vm_answered" }, present()), present());
    });
    return { kind: "changed" };
  };

  /** A step of the run that writes nothing (its attempt is in memory): what stepRun asks for next. */
  const attempt = (run: Run, event: RunEvent, now: number) => {
    const step = stepRun(run, [], event, now);
    return { run: step.run ?? run, effect: step.effects[0] ?? null };
  };

  /** Posts every answer the VM run has not heard yet (after a reset too: see open()); a decision it no longer waited for is told too late. */
  const deliverAnswers = async (vmRunId: string, present: () => number): Promise<void> => {
    if (!d.vm) return;
    const late = await d.answers.deliver(vmRunId, d.vm);
    if (late.length > 0) d.transaction(() => d.approvals.heardLate(late, present()));
  };

  /**
   * Takes the run up: reaches the Machine first when it is not warm (a phase with its own
   * deadline), then starts the VM run or reconnects to its events (with another).
   */
  const open = async (stored: Run, now: number): Promise<RunStep> => {
    const vm = d.vm;
    let { run, effect } = attempt(stored, { type: "open", machine: vm === null || vm.ready() ? "ready" : "cold" }, now);
    if (effect?.type === "wait") return { kind: "waiting", at: effect.at };
    if (!vm) return fail(stored, { kind: "transport", reason: "unreachable" }, "VM_URL/VM_TOKEN not configured", now);
    const present = stepTime(now, d.clock);
    let openedAt = now;
    if (effect?.type === "connect") {
      const reached = await within(vm.connect(now, effect.deadline), effect.deadline - now, { ok: false, detail: `the Machine was not reachable within ${Math.round((effect.deadline - now) / 1000)} s` });
      openedAt = present();
      if (!reached.ok) {
        observed.vm = { ok: false, at: openedAt, failure: "unreachable" };
        return fail(run, { kind: "transport", reason: "unreachable" }, reached.detail, now);
      }
      // /stop or /deny may have ended it meanwhile, or a retry named a new VM run: nothing to open.
      const current = d.runs.get(run.id);
      if (!current || !takesInput(current, run.vmRunId)) return { kind: "changed" };
      ({ run, effect } = attempt({ ...current, attempt: run.attempt }, { type: "connected" }, openedAt));
    }
    if (effect?.type !== "start" && effect?.type !== "reconnect") return { kind: "changed" };
    const abort = new AbortController();
    const giveUp = setTimeout(() => abort.abort(), Math.max(0, effect.deadline - openedAt));
    const opened =
      effect.type === "start"
        ? await vm.startRun(await startRequestOf(d, run, now), abort.signal)
        : await vm.events(run.vmRunId, effect.afterSeq, abort.signal);
    clearTimeout(giveUp);
    // The VM may have taken up to 30 s to answer; a failed attempt's backoff still counts from `now`, when it began.
    const answeredAt = present();
    observed.vm = { ok: opened.ok, at: answeredAt, failure: opened.ok ? null : opened.failure };
    if (!opened.ok) return fail(run, { kind: "transport", reason: opened.failure }, opened.detail, now);
    // A fresh start is implied by message_queued and summed up by run_finished; a reconnect is news.
    if (effect.type === "reconnect") d.log("run_streaming", { runId: run.id, vmRunId: run.vmRunId, afterSeq: effect.afterSeq, context: run.context });
    run = attempt(run, { type: "opened" }, answeredAt).run;
    // The pages learn of the run once the VM has it: the write stays off the way to the model.
    if (effect.type === "start") d.live?.started?.(run, answeredAt);
    const lines = readLines(opened.body);
    // The first typing indicator after a short delay: an instant answer needs none.
    // A start (or re-attach) streams from seq 1; a reconnect from just after what is stored.
    const expectedSeq = effect.type === "start" ? 1 : effect.afterSeq + 1;
    lives.set(run.id, { run, expectedSeq, lines, pending: quiet(lines.next()), abort, lastLineAt: answeredAt, lastTypingAt: answeredAt - TYPING_REFRESH_MS + TYPING_DELAY_MS, knownSince: answeredAt, heldAnswer: null });
    await deliverAnswers(run.vmRunId, present);
    return { kind: "changed" };
  };

  /** Messages that arrived during the run become further turns of the live session. */
  const injectQueued = async (run: Run, now: number): Promise<boolean> => {
    // Only into the run whose stream this instance reads, and only while it is still that VM run;
    // past a cap a further turn waits like a new run would (the turn in progress finishes).
    const current = d.runs.get(run.id);
    if (!d.vm || !current || !takesInput(current, run.vmRunId)) return false;
    if (d.budget.blockedUntil(now) !== null || d.modelPause.blockedUntil(now) !== null || d.archive.blockedUntil(now) !== null) return false;
    const ids = injectable(batches.ready(), { ...current, event: d.messages.eventsOfRun(run.id).length > 0 }, MAX_MESSAGES_PER_TURN);
    if (ids.length === 0) return false;
    const turn = ids.flatMap((id) => d.messages.get(id) ?? []);
    const sent = await d.vm.input(run.vmRunId, await Promise.all(turn.map((m) => toInput(d, m))));
    const accepted = sent.ok && sent.accepted;
    if (accepted)
      d.transaction(() => {
        const fresh = d.runs.get(run.id);
        applyStep(d, fresh, stepRun(fresh, d.messages.pending(), { type: "injected", vmRunId: run.vmRunId, ids }, now), now);
      });
    d.log("run_input", { runId: run.id, messages: ids.length, accepted });
    return accepted;
  };

  /**
   * Reads every live stream until something changes in one of them or a tick is due
   * (runs/stream-ticks.ts): each stream keeps its own heartbeat, typing and progress times.
   */
  const read = async (now: number, until: number | null): Promise<RunStep> => {
    const present = stepTime(now, d.clock);
    for (;;) {
      const streams = [...lives.values()];
      if (streams.length === 0) return { kind: "changed" };
      const wake = wakePending ? Promise.resolve("wake" as const) : new Promise<"wake">((resolve) => (wakeSignal = () => resolve("wake")));
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
        wakePending = false;
        for (const s of streams) await injectQueued(s.run, at);
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
        if (ended !== "invalid") d.live?.record(run, [held.event, line], at);
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
      if (outcome !== "invalid" && outcome !== "replay") d.live?.record(run, [line], at);
      if (line.type === "tool_call") await deliverAnswers(run.vmRunId, present);
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
    if (outcome !== "invalid" && outcome !== "replay") d.live?.record(s.run, [held.event], held.at);
    return outcome;
  };

  /** What an applied event means for the read: a bad stream fails the run, an end finishes it. */
  const outcomeOf = (s: LiveStream, outcome: ApplyOutcome, at: number): Promise<RunStep> | RunStep => {
    if (outcome === "invalid") return fail(s.run, { kind: "transport", reason: "bad_stream" }, "an event named messages this run does not carry", at);
    if (outcome === "terminal") {
      close(s.run.id);
      return { kind: "finished" };
    }
    return { kind: "changed" };
  };

  /** Whether a result answers every message the run still holds: the VM's end follows it. */
  const isLastAnswer = (runId: string, answered: readonly string[]): boolean =>
    !d.messages.pending().some((m) => m.status === "handed" && m.runId === runId && !answered.includes(m.id));

  /** One step of the runs' work at `now`, the present its caller read. */
  const step = async (now: number, until: number | null): Promise<RunStep> => {
    // A run ended at the relay (/stop, /deny) while its stream was read: nothing more of it is applied.
    for (const [id] of lives) if (d.runs.get(id)?.phase === "finished") close(id);
    // An open run nobody reads (just started, retrying, or left by an instance that died) is taken up when due.
    const unread = d.runs.openAll().filter((r) => !lives.has(r.id));
    const due = unread.find((r) => r.nextAttemptAt <= now);
    if (due) return open(due, now);
    for (const id of lastProbe.keys()) if (!unread.some((r) => r.id === id)) lastProbe.delete(id);
    // A run waiting out a retry: is the VM back yet?
    const asked = probeTimes(unread, now);
    const recheck = unread.find((_r, i) => (asked[i] ?? Infinity) <= now);
    if (recheck) return probeWaiting(recheck, now);
    // A new batch starts beside the runs going, when its conversation is free and the limit allows.
    const started = batches.startNext(now);
    // A notice written: the object sends it before the streams are read again.
    if (started === "told") return { kind: "changed" };
    if (started) return open(started, now);
    const waitingAt = earliest([...unread.map((r) => r.nextAttemptAt), ...asked]);
    if (lives.size > 0) {
      const present = stepTime(now, d.clock);
      // Answers (and timeouts, /stop) decided since the last step reach the VM first.
      for (const s of [...lives.values()]) await deliverAnswers(s.run.vmRunId, present);
      // A run waiting for its next attempt hands the read back when it is due.
      return read(present(), earliest([until, waitingAt]));
    }
    return waitingAt === null ? { kind: "idle" } : { kind: "waiting", at: waitingAt };
  };

  return {
    name: "runs",
    /** Something changed (a message arrived): a stream being read reacts without waiting. */
    wake(): void {
      wakePending = true;
      wakeSignal?.();
    },

    observed: (): Observed => observed,

    /**
     * When the runs are due (shared/wake-plan.ts, runsDueAt): a stream this instance reads is due now.
     * Not kept in due_times: a live stream is a fact of this instance, not of any row, and whether
     * a batch may start depends on the queue and the budget at `now`.
     */
    nextDueAt(now: number): number | null {
      // Whether a batch may start beside the runs open: read only when the queue holds something.
      const queue = () => batches.queueNow(now);
      const open = d.runs.openAll();
      return earliest([runsDueAt({ now, reading: lives.size > 0, runs: open, queue }), ...probeTimes(open.filter((r) => !lives.has(r.id)), now)]);
    },

    /** One step: start or open a run, or read its stream until something changes or `until`. */
    async runDue(now: number, until: number | null): Promise<RunStep> {
      const present = stepTime(now, d.clock);
      const done = await step(now, until);
      // Old rows go after a run ended, at most daily: retention never wakes an idle object itself.
      if (done.kind === "finished") d.transaction(() => d.afterRun(present()));
      return done;
    },
    /**
     * The VM's signed wake (protocol/vm/wake.ts): each run it names (none named: every run) that this
     * instance does not read is taken up now: one that waits out a retry is due now; and after
     * `reader_gone`, one already due that nobody reads (the instance that read it died) needs only
     * the pump, not the watchdog's alarm. Returns how many; a repeat finds none waiting.
     */
    vmWoke(vmRunIds: readonly string[], reason: Wake["reason"], now: number): number {
      const present = stepTime(now, d.clock);
      const named = (r: Run) => vmRunIds.length === 0 || vmRunIds.includes(r.vmRunId);
      const unread = d.runs.openAll().filter((r) => !lives.has(r.id) && named(r));
      let woken = reason === "reader_gone" ? unread.filter((r) => r.nextAttemptAt <= now).length : 0;
      const waiting = unread.filter((r) => r.nextAttemptAt > now);
      d.transaction(() => {
        for (const run of waiting) {
          const step = stepRun(run, d.messages.pending(), { type: "vm_answered", woke: true }, present());
          if (step.run?.nextAttemptAt === run.nextAttemptAt) continue;
          applyStep(d, run, step, present());
          lastProbe.set(run.id, now);
          woken++;
        }
      });
      return woken;
    },
    /** Lets go of the stream being read (the pump ends); the run itself goes on at the VM. */
    close,
  };
}
export type RunDriver = ReturnType<typeof createRunDriver>;

/** `promise`, or `late` once `ms` passed without it (the promise goes on, unheard). */
function within<T>(promise: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late), Math.max(0, ms))));
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}

/** A pending read whose rejection is handled where it is awaited, not reported as unhandled. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function parseLine(text: string) {
  return readJson(VmStreamLineSchema, text);
}


