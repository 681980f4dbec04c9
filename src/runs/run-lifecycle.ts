// The life of a run at the relay, decided in one place: its dispatch, reaching the user's Machine
// (a phase with its own deadline), opening its VM run's stream, each event of that stream, its
// failures and retries (run-failures.ts, decideOnFailure, is the table of those), its cut, /stop and /new.
// Pure: `stepRun` takes the run, the messages not yet at their end and one event, and returns
// the run as it is after it, the moves of the messages it holds (messages/message-lifecycle.ts) and
// what the shell must carry out. runs-repo writes the run, the messages service the moves.
import type { VmRunEvent } from "../protocol/vm/runs";
import { applyMoves, type MessageEvent, type PendingMessage, type MessageMove, type Step as MessageStep, stepMessages } from "../messages/message-lifecycle";
import type { GiveUpReason, RunFailure } from "../messages/run-failure";
import { decideOnFailure, type FailureDecision, PROBE_AGAIN_MS, PROBED_FAILURES, type VmProbe } from "./run-failures";

/** Stored: waiting (the next attempt starts the VM run), streaming (it streamed: the next attempt reconnects), finished. */
export type RunPhase = "waiting" | "streaming" | "finished";

/**
 * Where this instance is with the run's next attempt. Never stored: an eviction ends the I/O it
 * stands for, and the next instance opens the run again from its stored phase.
 */
export type Attempt =
  /** Making the user's Machine reachable (machines mode): given up at `deadline`. */
  | { stage: "connecting"; deadline: number }
  /** Starting the VM run, or reconnecting to its events: given up at `deadline`. */
  | { stage: "opening"; deadline: number };

export type Run = {
  id: string;
  vmRunId: string;
  phase: RunPhase;
  vmAttempt: number;
  transportFailures: number;
  nextAttemptAt: number;
  sessionId: string | null;
  freshRetryUsed: boolean;
  lastSeq: number;
  results: number;
  costUsd: number;
  outcome: string | null;
  createdAt: number;
  /** "fresh": a task in its own session, which never touches the user's conversation. */
  context: "chat" | "fresh";
  conversationId: number;
  /** Its session was lost: the fresh one starts with the conversation's last exchanges. */
  seedTranscript: boolean;
  /**
   * A run of someone else's text (an event): it works in a fork of the conversation's session
   * (`options.forkSession`), and its session never becomes the conversation's.
   */
  forkSession: boolean;
  /** In memory only (see Attempt); a run read from its row has none. */
  attempt: Attempt | null;
};

/** A run's phase as the table of stepRun names it: the stored one, or the attempt under way. */
export type RunStage = "none" | "waiting" | "connecting" | "opening" | "streaming" | "finished";
export const stageOf = (run: Run | null): RunStage => (run === null ? "none" : run.phase === "finished" ? "finished" : (run.attempt?.stage ?? run.phase));

/** Reaching a Machine that is suspended, stopped or not made yet: a cold start on Fly takes seconds, a create longer. */
export const CONNECT_DEADLINE_MS = 90_000;
/** The VM answers a start or reconnect with headers at once; a hung call must not hold the pump. */
export const STREAM_OPEN_TIMEOUT_MS = 30_000;
/** One turn carries at most this many messages (the protocol's cap); the rest wait. */
export const MAX_MESSAGES_PER_TURN = 10;

export type RunEvent =
  /**
   * Queued messages (chosen by runs/run-slots.ts) start a new run. The run stepped is the one open
   * in the batch's conversation: a chat batch never starts while a chat run of its conversation is
   * open (one batch at a time, in order); a run of another conversation, or a task in its own
   * session, does not hold it.
   */
  | { type: "dispatch"; runId: string; ids: readonly string[]; context: "chat" | "fresh"; conversationId: number; sessionId: string | null; forkSession?: boolean }
  /** This instance takes the run up (at its first attempt, after a retry's wait, after an eviction); `machine`: whether the VM is reachable as it is. */
  | { type: "open"; machine: "ready" | "cold" }
  /** The Machine answered the connect in time. */
  | { type: "connected" }
  /** The VM run's stream is open: its events follow. */
  | { type: "opened" }
  /** The live VM run took these queued messages as a further turn. */
  | { type: "injected"; vmRunId: string; ids: readonly string[] }
  /** One event of a VM run's stream, in order (a replay or another VM run's changes nothing). */
  | { type: "vm_event"; vmRunId: string; event: VmRunEvent }
  /**
   * The relay's own failure (unreachable, a broken stream, a missed deadline) or /stop and /deny
   * (the VM's `cancelled`). `sessionOfConversation`: the conversation's session now, for a retry.
   */
  | { type: "failure"; failure: RunFailure; sessionOfConversation: string | null; detail?: { seq?: number; reason?: string; message: string }; probe?: VmProbe }
  /** /new: the run's session stops being the user's conversation's. */
  | { type: "detach" }
  /**
   * The VM answered a probe while the run waited for its retry (probeAgainAt): the retry is due now.
   * `woke`: the VM said so itself (its signed wake, protocol/vm/wake.ts), so a longer streak is due too.
   */
  | { type: "vm_answered"; woke?: boolean };

export type RunEffect =
  /** Not due yet: the shell waits until `at`. */
  | { type: "wait"; at: number }
  | { type: "connect"; deadline: number }
  | { type: "start"; deadline: number }
  | { type: "reconnect"; afterSeq: number; deadline: number }
  /** The conversation's session is now this one (null: forgotten, a fresh one starts). */
  | { type: "keep_session"; sessionId: string | null }
  /** A turn's answer: to the outbox, its cost counted, the undo note told. */
  | { type: "reply"; event: Extract<VmRunEvent, { type: "result" }> }
  | { type: "unconsumed"; count: number }
  | { type: "approval_request"; event: Extract<VmRunEvent, { type: "approval_request" }> }
  /** A relay tool call: run it, or (a task in its own session has no tools) refuse it. */
  | { type: "tool_call"; event: Extract<VmRunEvent, { type: "tool_call" }>; allowed: boolean }
  /** What the VM run's terminal event tells of it: its change and its tool calls. */
  | { type: "record_end"; event: Extract<VmRunEvent, { type: "done" | "error" }> }
  /** The operator's line for a failure: what it was and what was decided. */
  | { type: "decision"; failure: RunFailure; decision: FailureDecision }
  /** The session was lost: the user is told, with how much of the chat the fresh one starts from. */
  | { type: "session_lost"; vmRunId: string }
  /** That VM run is gone: whatever it was asking is closed. */
  | { type: "vm_run_over"; vmRunId: string }
  /** The conversation's model was refused: it goes back to the default, and the user is told once. */
  | { type: "model_refused"; conversationId: number }
  /** The model gave no answer: the work pauses (usage/model-pause.ts), its messages back in the queue. */
  | { type: "model_hold"; hold: Extract<FailureDecision, { action: "hold" }>["hold"] }
  /** It ended without a result and may have used the model: its cost is unknown, not zero. */
  | { type: "spend_unknown" }
  | { type: "finished"; outcome: string }
  /** A stream lost beyond recovery may leave the VM run going: cancelled, after the transaction. */
  | { type: "cancel_vm"; vmRunId: string }
  /** What the message moves mean for the user (messages/message-lifecycle.ts's effects). */
  | { type: "messages"; effects: MessageStep["effects"] }
  /** The event names messages this run does not carry: nothing of it is applied. */
  | { type: "invalid"; why: string };

export type RunStep = { run: Run | null; moves: MessageMove[]; effects: RunEffect[] };

/** Whether `run` keeps a new batch of `batch`'s conversation waiting: both use its session, and it is not over. */
function holdsConversation(run: Run | null, batch: { context: "chat" | "fresh"; conversationId: number }): boolean {
  return run !== null && run.phase !== "finished" && run.context === "chat" && batch.context === "chat" && run.conversationId === batch.conversationId;
}

/** Whether a further turn may join VM run `vmRunId` of this run: only while that VM run is the run's, and the run is not over. */
export function takesInput(run: Run | null, vmRunId: string): boolean {
  return run !== null && run.phase !== "finished" && run.vmRunId === vmRunId;
}

export function stepRun(run: Run | null, pending: readonly PendingMessage[], event: RunEvent, now: number): RunStep {
  const same: RunStep = { run, moves: [], effects: [] };
  if (event.type === "dispatch") {
    if (holdsConversation(run, event)) return same;
    const created: Run = {
      id: event.runId,
      vmRunId: `${event.runId}-1`,
      phase: "waiting",
      vmAttempt: 1,
      transportFailures: 0,
      nextAttemptAt: now,
      sessionId: event.context === "chat" ? event.sessionId : null,
      freshRetryUsed: false,
      lastSeq: 0,
      results: 0,
      costUsd: 0,
      outcome: null,
      createdAt: now,
      context: event.context,
      conversationId: event.conversationId,
      seedTranscript: false,
      forkSession: event.context === "chat" && event.forkSession === true,
      attempt: null,
    };
    return withMessages(created, pending, { type: "handed", runId: created.id, ids: event.ids, how: "batch" });
  }
  // A finished run never changes again.
  if (run === null || run.phase === "finished") return same;
  switch (event.type) {
    case "open":
      if (run.attempt !== null) return same;
      if (run.nextAttemptAt > now) return { ...same, effects: [{ type: "wait", at: run.nextAttemptAt }] };
      return event.machine === "cold" ? connecting(run, now) : opening(run, now);
    case "connected":
      return run.attempt?.stage === "connecting" ? opening(run, now) : same;
    case "opened":
      return run.attempt?.stage === "opening" ? { ...same, run: { ...run, attempt: null } } : same;
    case "injected":
      if (!takesInput(run, event.vmRunId)) return same;
      return withMessages(run, pending, { type: "handed", runId: run.id, ids: event.ids, how: "inject" });
    case "vm_event":
      return vmEvent(run, pending, event.vmRunId, event.event, now);
    case "failure":
      return failed(run, pending, event.failure, event.sessionOfConversation, now, event.detail?.seq, event.probe);
    case "detach":
      return run.context === "chat" ? { ...same, run: { ...run, context: "fresh" } } : same;
    case "vm_answered":
      return waitsOnVm(run, now, event.woke === true) ? { ...same, run: { ...run, nextAttemptAt: now } } : same;
  }
}

/**
 * Whether the run waits out the retry after a failure of its streak, due later than `now`: one of the
 * first PROBED_FAILURES for a probe, any for the VM's own wake.
 */
const waitsOnVm = (run: Run, now: number, woke: boolean): boolean =>
  run.phase !== "finished" && run.attempt === null && run.transportFailures >= 1 && (woke || run.transportFailures <= PROBED_FAILURES) && run.nextAttemptAt > now;

/**
 * When to ask the VM again whether it is back, for a run that waits so (`lastProbeAt`: when this
 * instance last asked, or saw the failure probesAgain names; null: it never did, and the backoff
 * alone decides, as after an eviction); null when none is wanted, or the retry comes first.
 */
export function probeAgainAt(run: Run, lastProbeAt: number | null, now: number): number | null {
  if (lastProbeAt === null || !waitsOnVm(run, now, false)) return null;
  const at = lastProbeAt + PROBE_AGAIN_MS;
  return at < run.nextAttemptAt ? at : null;
}

const connecting = (run: Run, now: number): RunStep => {
  const deadline = now + CONNECT_DEADLINE_MS;
  return { run: { ...run, attempt: { stage: "connecting", deadline } }, moves: [], effects: [{ type: "connect", deadline }] };
};

const opening = (run: Run, now: number): RunStep => {
  const deadline = now + STREAM_OPEN_TIMEOUT_MS;
  // A start (or re-attach) streams from seq 1; a reconnect from just after what is stored.
  const effect: RunEffect = run.phase === "waiting" ? { type: "start", deadline } : { type: "reconnect", afterSeq: run.lastSeq, deadline };
  return { run: { ...run, attempt: { stage: "opening", deadline } }, moves: [], effects: [effect] };
};

function vmEvent(run: Run, pending: readonly PendingMessage[], vmRunId: string, event: VmRunEvent, now: number): RunStep {
  const same: RunStep = { run, moves: [], effects: [] };
  // A progress line changes nothing; a replayed event or another VM run's was applied or is moot.
  if (event.type === "progress" || run.vmRunId !== vmRunId || event.seq <= run.lastSeq) return same;
  // A turn answers only messages handed to this run: never another run's, or another user's.
  if (event.type === "result" || event.type === "unconsumed") {
    const held = new Set(heldBy(run, pending).map((m) => m.id));
    const missing = event.messageIds.filter((id) => !held.has(id));
    if (missing.length > 0) {
      const lost = lostTurn(run, pending, missing);
      if (lost === null) return { ...same, effects: [{ type: "invalid", why: "an event named messages this run does not carry" }] };
      // The VM took them as a further turn (its input's 202), and the instance that sent them died
      // before it recorded the hand-off: the VM's word is the record. Handed first, then the event.
      const handed = stepMessages(pending, { type: "handed", runId: run.id, ids: lost, how: "inject" });
      const rest = vmEvent(run, applyMoves(pending, handed.moves), vmRunId, event, now);
      return { ...rest, moves: [...handed.moves, ...rest.moves] };
    }
  }
  // Its first event says the stream is live; a terminal one is recorded by the run's end.
  const advanced: Run = { ...run, lastSeq: event.seq, phase: "streaming", transportFailures: 0, attempt: null };
  // A task in a fresh session, and an event's run in its fork, must never replace the conversation's session.
  const keep = (sessionId: string): RunEffect[] => (run.context === "chat" && !run.forkSession ? [{ type: "keep_session", sessionId }] : []);
  switch (event.type) {
    case "session":
      return { run: advanced, moves: [], effects: keep(event.sessionId) };
    case "result":
      return withMessages({ ...advanced, results: run.results + 1, costUsd: run.costUsd + event.costUsd }, pending, { type: "answered", runId: run.id, ids: event.messageIds }, [], [
        { type: "reply", event },
        ...keep(event.sessionId),
      ]);
    case "unconsumed":
      return withMessages(advanced, pending, { type: "unread", runId: run.id, ids: event.messageIds }, [], [{ type: "unconsumed", count: event.messageIds.length }]);
    case "approval_request":
      return { run: advanced, moves: [], effects: [{ type: "approval_request", event }] };
    case "tool_call":
      return { run: advanced, moves: [], effects: [{ type: "tool_call", event, allowed: run.context === "chat" }] };
    case "done": {
      // Every turn was answered, by the VM's word; one it left unanswered is carried, never dropped.
      const end = finish({ ...run, lastSeq: event.seq }, "done");
      return withMessages(end.run, pending, { type: "run_ended", runId: run.id, how: { kind: "done" } }, [{ type: "record_end", event }], end.effects);
    }
    case "error": {
      // Files it changed before it failed are changed all the same: /diff and /undo see them. A retry
      // that keeps the session (busy: refused before any CLI started) resumes the one this run was
      // given; null would start a new session that then replaces the conversation's.
      const said = { ...(event.reason ? { reason: event.reason } : {}), ...(event.resetsAt ? { resetsAt: event.resetsAt } : {}), ...(event.limit ? { limit: event.limit } : {}) };
      const after = failed(run, pending, { kind: "vm", code: event.code, ...said }, run.sessionId, now, event.seq);
      return { ...after, effects: [{ type: "record_end", event }, ...after.effects] };
    }
  }
}

/** What a failure means (decideOnFailure) and what it does to the run and the messages it holds. */
function failed(run: Run, pending: readonly PendingMessage[], failure: RunFailure, sessionOfConversation: string | null, now: number, seq?: number, probe?: VmProbe): RunStep {
  const decision = decideOnFailure(failure, run, now, probe);
  const told: RunEffect = { type: "decision", failure, decision };
  const ended = seq === undefined ? run : { ...run, lastSeq: Math.max(run.lastSeq, seq) };
  switch (decision.action) {
    case "retry_same": {
      // The streak's first failure is told with its plan, and so is how it ends (a give-up, a cut, a
      // new VM run); the retries between say nothing new, every 5 to 80 s for each waiting user.
      const effects = run.transportFailures === 0 ? [told] : [];
      return { run: { ...run, transportFailures: run.transportFailures + 1, nextAttemptAt: decision.at, attempt: null }, moves: [], effects };
    }
    case "retry_new": {
      // A new VM run takes one turn's worth; the rest wait for the next run, uncounted.
      const extra = heldBy(run, pending).slice(MAX_MESSAGES_PER_TURN).map((m) => m.id);
      const fresh = decision.freshSession;
      const next: Run = {
        ...run,
        vmAttempt: run.vmAttempt + 1,
        vmRunId: `${run.id}-${run.vmAttempt + 1}`,
        phase: "waiting",
        transportFailures: 0,
        lastSeq: 0,
        nextAttemptAt: decision.at,
        sessionId: fresh || run.context === "fresh" ? null : sessionOfConversation,
        freshRetryUsed: run.freshRetryUsed || fresh,
        seedTranscript: run.seedTranscript || fresh,
        attempt: null,
      };
      // A fork that could not resume leaves the conversation's session to the user's next run to find lost.
      const forget: RunEffect[] = run.forkSession ? [] : [{ type: "keep_session", sessionId: null }];
      const lost: RunEffect[] = fresh ? [...forget, { type: "session_lost", vmRunId: run.vmRunId }] : [];
      if (decision.modelRefused) lost.push({ type: "model_refused", conversationId: run.conversationId });
      // The old VM run is gone, and with it whatever it was asking.
      return withMessages(next, pending, { type: "unread", runId: run.id, ids: extra }, [told], [...lost, { type: "vm_run_over", vmRunId: run.vmRunId }]);
    }
    case "cut": {
      // Its unanswered turns go into the next run once, which resumes the session and is told.
      const end = endWithout(ended, "interrupted");
      const cancel: RunEffect[] = failure.kind === "transport" ? [{ type: "cancel_vm", vmRunId: run.vmRunId }] : [];
      return withMessages(end.run, pending, { type: "run_ended", runId: run.id, how: { kind: "cut" } }, [told], [...end.effects, ...cancel]);
    }
    case "hold": {
      // The model refused before it answered: nothing was spent and nothing cut; what the run held
      // waits in the queue, in order, for the pause's end.
      const end = finish(ended, decision.hold.kind === "limit" ? "model_limit" : "model_unavailable");
      return withMessages(end.run, pending, { type: "run_ended", runId: run.id, how: { kind: "held" } }, [told, { type: "model_hold", hold: decision.hold }], end.effects);
    }
    case "give_up": {
      const end = endWithout(ended, decision.reason);
      const how = decision.reason === "cancelled" ? ({ kind: "cancelled" } as const) : ({ kind: "failed", reason: decision.reason } as const);
      return withMessages(end.run, pending, { type: "run_ended", runId: run.id, how }, [told], end.effects);
    }
  }
}

/** A run that ended without its answer: one that may have used the model but reported no cost is counted as unknown, not free. */
function endWithout(run: Run, outcome: GiveUpReason): { run: Run; effects: RunEffect[] } {
  const end = finish(run, outcome);
  const unknown = run.results === 0 && outcome !== "auth_failed" && outcome !== "misconfigured" && outcome !== "vm_unfit";
  return { run: end.run, effects: unknown ? [{ type: "spend_unknown" }, ...end.effects] : end.effects };
}

function finish(run: Run, outcome: string): { run: Run; effects: RunEffect[] } {
  return { run: { ...run, phase: "finished", outcome, attempt: null }, effects: [{ type: "vm_run_over", vmRunId: run.vmRunId }, { type: "finished", outcome }] };
}

const heldBy = (run: Run, pending: readonly PendingMessage[]) => pending.filter((m) => m.status === "handed" && m.runId === run.id);

/**
 * The ids an event names that the run does not carry, when they can only be a further turn whose
 * hand-off was never recorded: each still queued, a user's message in the run's own conversation,
 * and the run one that takes further turns (a chat run). Null: anything else, which is not this run's.
 */
function lostTurn(run: Run, pending: readonly PendingMessage[], missing: readonly string[]): string[] | null {
  if (run.context !== "chat") return null;
  const queued = missing.filter((id) => pending.some((m) => m.id === id && m.status === "queued" && m.kind === "user" && m.conversationId === run.conversationId));
  return queued.length === missing.length ? queued : null;
}

/** The run after an event, with the message event it causes stepped: its moves, and what they mean for the user between `before` and `after`. */
function withMessages(run: Run, pending: readonly PendingMessage[], event: MessageEvent, before: RunEffect[] = [], after: RunEffect[] = []): RunStep {
  const step = stepMessages(pending, event);
  const told: RunEffect[] = step.effects.length > 0 ? [{ type: "messages", effects: step.effects }] : [];
  return { run, moves: step.moves, effects: [...before, ...told, ...after] };
}
