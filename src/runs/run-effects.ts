// Carries out what runs/run-lifecycle.ts decided for a run: writes the run and the moves of its
// messages, and does the rest (the reply, sessions, approvals, tools, changes, spend, logs): what
// the capabilities above runs/ act on is told to one sink, `happened` (run-happenings.ts).
// Each step runs inside one SQLite transaction that also records the event's seq, so a replayed
// event (reconnect, eviction) changes nothing. It decides nothing itself.
import type { VmRunEvent } from "../protocol/vm/runs";
import { replyTarget } from "../messages/reply-target";
import { eventPrefix } from "../messages/event-guard";
import { originOfRun, type TaskOrigin } from "../messages/task-origin";
import { meanwhileLine } from "../messages/meanwhile";
import type { MeanwhileRepo } from "../messages/meanwhile-repo";
import { agentErrorReply, SESSION_LOST, sessionRestoredNotice } from "../messages/notices";
import { modelRefusedNotice } from "./run-replies";
import { outboxKeys } from "../outbox/outbox-keys";
import type { RunFailure } from "../messages/run-failure";
import { type Run, type RunStep as LifecycleStep, stepRun } from "./run-lifecycle";
import type { VmProbe } from "./run-failures";
import type { MessagesRepo } from "../messages/messages-repo";
import type { RunsRepo } from "./runs-repo";
import type { VmRunToolCalls } from "./run-tool-calls";
import type { Transaction } from "../shared/sql";
import type { ToolAnswer } from "./vm-answers-repo";
import type { VmAnswers } from "./vm-answers";
import type { RunApprovals, RunConversations } from "./run-ports";
import type { RunHappened } from "./run-happenings";
import type { Messages } from "../messages/messages";
import type { Log } from "../shared/log";
import type { Outbox } from "../outbox/outbox-unit";
import type { Schedules } from "../schedules/schedules-unit";
import type { ModelPauseUnit } from "../usage/model-pause-unit";
import type { VoiceReplyMode } from "../config/voice-reply-mode";
import { speaksReply, spokenReply } from "../media/spoken-reply";

/** Carries out one of the agent's relay tools for a run of `conversationId`; inside the event's transaction. */
export type ToolRunner = (name: string, args: Record<string, unknown>, conversationId: number, now: number, call: { vmRunId: string; callId: string; origin: TaskOrigin | null }) => ToolAnswer;

/** A conversation's last exchanges, leaving out one run's own messages (see messages/transcript.ts). */
export type TranscriptOf = (conversationId: number, exceptRunId: string) => { text: string; entries: number } | null;

export type RunEffectsDeps = {
  transaction: Transaction;
  /** Reads only: every status change goes through `lifecycle`. */
  messages: MessagesRepo;
  lifecycle: Messages;
  runs: RunsRepo;
  /** Answers the VM run must hear (the relay's tool answers among them). */
  answers: Pick<VmAnswers, "owe">;
  /** Replies of a conversation not current are prefixed. */
  conversations: Pick<RunConversations, "repo" | "prefixFor">;
  outbox: Pick<Outbox, "add" | "dropUnsentProgress">;
  transcriptOf: TranscriptOf;
  /** What the agent cost, by day in the user's zone and conversation (/cost, the caps). */
  spend: { recordCost(conversationId: number, costUsd: number, now: number, offlineModel?: boolean, costByModel?: Readonly<Record<string, number>>): void; recordUnknown(conversationId: number, now: number): void };
  schedules: Pick<Schedules, "recordResult">;
  /** What a task's result says it was refused. */
  approvals: Pick<RunApprovals, "refusedLine">;
  tools: ToolRunner;
  /**
   * What happened that a capability above acts on (a session kept, an approval asked, a change
   * made, a VM run over, ...): agent/run-happenings.ts joins their handlers. Called in place,
   * inside the event's transaction.
   */
  happened: RunHappened;
  /** What runs in forked sessions did, for the user's next run (messages/meanwhile.ts); absent in units' tests that need none. */
  meanwhile?: Pick<MeanwhileRepo, "add" | "upTo" | "told">;
  /** The pause when the model gave no answer (usage/model-pause-unit.ts); absent in units' tests that need none. */
  modelPause?: Pick<ModelPauseUnit, "hold" | "answered">;
  /** Replies spoken as voice notes (/voice reply); absent where no speech model is configured. */
  voice?: { mode(): VoiceReplyMode; maxSeconds: number };
  log: Log;
};

/** `invalid`: the event names messages this run does not carry; nothing was written. */
export type ApplyOutcome = "replay" | "applied" | "terminal" | "invalid";

/**
 * Applies one event of a VM run's stream: stepRun decides, this writes and carries out. A
 * replayed event (reconnect, eviction) finds its seq stored and changes nothing.
 */
export function applyRunEvent(d: RunEffectsDeps, runId: string, vmRunId: string, event: VmRunEvent, now: number): ApplyOutcome {
  // A progress line changes nothing: applying it twice is harmless, so it costs no write.
  if (event.type === "progress") return d.runs.get(runId) ? "applied" : "replay";
  return d.transaction(() => {
    const run = d.runs.get(runId);
    const step = stepRun(run, d.messages.pending(), { type: "vm_event", vmRunId, event }, now);
    if (step.effects.some((e) => e.type === "invalid")) return "invalid";
    if (step.run === run || !run || !step.run) return "replay";
    applyStep(d, run, step, now, event.type === "error" ? { seq: event.seq, reason: event.reason, message: event.message.slice(0, 300) } : undefined);
    return step.run.phase === "finished" || step.run.vmRunId !== vmRunId ? "terminal" : "applied";
  });
}

/**
 * Applies a run's last answer and the terminal event that follows it in one transaction: the user
 * never holds a run's reply while the object still holds the run open (an /undo, /ship, /status or
 * /handoff sent on the reply sees it ended, and its change recorded). `invalid` from either undoes both.
 */
export function applyRunEnd(d: RunEffectsDeps, runId: string, vmRunId: string, answer: VmRunEvent, end: VmRunEvent, now: number): ApplyOutcome {
  const invalid = new Error("invalid");
  try {
    return d.transaction(() => {
      // The run's row is written once for both steps: one row, where a write per step was two.
      const once = writtenOnce(d.runs);
      const both = { ...d, runs: once.runs };
      const first = applyRunEvent(both, runId, vmRunId, answer, now);
      if (first === "invalid") throw invalid;
      const second = applyRunEvent(both, runId, vmRunId, end, now);
      if (second === "invalid") throw invalid;
      once.write();
      return second === "replay" ? first : second;
    });
  } catch (error) {
    if (error === invalid) return "invalid";
    throw error;
  }
}

/**
 * The runs repository with the writes of several steps of one transaction held and written as one
 * (`write`, before the transaction ends): the first step's row before, the last one's after. Its
 * reads of a held run answer the held row, so each step starts from the one before.
 */
function writtenOnce(runs: RunsRepo): { runs: RunsRepo; write: () => void } {
  let held: { prev: Run | null; next: Run; now: number; ended: VmRunToolCalls | undefined } | null = null;
  const write = () => {
    if (held) runs.write(held.prev, held.next, held.now, held.ended);
    held = null;
  };
  return {
    runs: {
      ...runs,
      get: (id) => (held?.next.id === id ? held.next : runs.get(id)),
      write: (prev, next, now, ended) => {
        // Another run's row, or a second VM run's end (none today), goes as it comes, after what is held.
        if (held && (held.next.id !== next.id || (held.ended && ended))) write();
        held = { prev: held ? held.prev : prev, next, now, ended: ended ?? held?.ended };
      },
    },
    write,
  };
}

/**
 * A failure of the run (the relay's own, or /stop's `cancelled`), decided by stepRun and applied;
 * call inside a transaction. Null when the run was already over. `detail` (the VM's event, or the
 * transport's error as `message`) goes into the attempt's one `run_decision` line; `probe`, the
 * VM's health check after a dropped stream (run-lifecycle.ts, transportRetryAt).
 */
export function applyFailure(d: RunEffectsDeps, runId: string, failure: RunFailure, now: number, detail?: { seq?: number; reason?: string; message: string }, probe?: VmProbe): LifecycleStep | null {
  const run = d.runs.get(runId);
  if (!run || run.phase === "finished") return null;
  const session = d.conversations.repo.get(run.conversationId)?.sessionId ?? null;
  const step = stepRun(run, d.messages.pending(), { type: "failure", failure, sessionOfConversation: session, detail, ...(probe ? { probe } : {}) }, now);
  applyStep(d, run, step, now, detail);
  return step;
}

/**
 * Writes what stepRun decided (the run's row, the moves of its messages) and carries out its
 * effects, in order; inside the caller's transaction. The VM I/O it asks for (connect, start,
 * cancel) is the run driver's: it is left out here. `detail` goes into a decision's log line.
 */
export function applyStep(d: RunEffectsDeps, prev: Run | null, step: LifecycleStep, now: number, detail?: { seq?: number; reason?: string; message: string }): void {
  const run = step.run;
  if (!run) return;
  // The VM run the event came from (a retry names the next one on the row).
  const vmRunId = prev?.vmRunId ?? run.vmRunId;
  // Its tool calls go into the run's row, in the write of this step: an entry even when it made
  // none (only a run cut off without a terminal event shows them as not recorded).
  const end = step.effects.find((e) => e.type === "record_end");
  d.runs.write(prev, run, now, end ? { vmRunId, ...(end.event.toolCalls ?? { calls: [], more: 0 }) } : undefined);
  // The moves are written where what they mean for the user is told (before a change line, after a reply).
  if (!step.effects.some((e) => e.type === "messages")) d.lifecycle.runStepped(run.id, step.moves, [], now);
  for (const e of step.effects) {
    switch (e.type) {
      case "messages":
        d.lifecycle.runStepped(run.id, step.moves, e.effects, now);
        break;
      case "keep_session":
        d.happened({ kind: "session_kept", conversationId: run.conversationId, sessionId: e.sessionId });
        break;
      case "reply":
        reply(d, run, vmRunId, e.event, now);
        break;
      case "unconsumed":
        d.log("run_unconsumed", { runId: run.id, messages: e.count });
        break;
      case "approval_request": {
        // Heard as the reply would be: the run answers a voice note under auto, or /voice reply on; never an event's run.
        const spoken = d.voice !== undefined && speaksReply(d.voice.mode(), d.messages.allOfRun(run.id), d.messages.eventsOfRun(run.id).length > 0, false);
        d.happened({ kind: "approval_asked", run: { ...run, vmRunId }, event: e.event, now, spoken });
        break;
      }
      case "tool_call": {
        // Applied once with its answer stored: a replay is answered again, never re-applied.
        const { name, args, callId } = e.event;
        const answer = e.allowed ? d.tools(name, args, run.conversationId, now, { vmRunId, callId, origin: originOfRun(d.messages.eventsOfRun(run.id)) }) : { ok: false, text: "This run has no relay tools." };
        d.answers.owe(vmRunId, callId, { kind: "tool", body: { callId, ...answer } }, now);
        d.log("run_tool_call", { runId: run.id, tool: name, ok: answer.ok });
        break;
      }
      case "record_end":
        // Its tool calls went into the run's row above.
        if (e.event.change) d.happened({ kind: "change_made", run: { id: run.id, vmRunId, conversationId: run.conversationId }, change: e.event.change, now });
        break;
      case "decision":
        // The VM's own words stay in the operator's log, never in the user's reply.
        d.log("run_decision", { runId: run.id, vmRunId, conversation: d.conversations.repo.nameOf(run.conversationId), failure: e.failure, decision: e.decision, ...detail });
        break;
      case "session_lost": {
        // The fresh session starts from the chat's last exchanges (see run-input.ts, inputOf()).
        const restored = run.context === "chat" ? d.transcriptOf(run.conversationId, run.id) : null;
        d.outbox.add({ dedupeKey: outboxKeys.sessionLost(e.vmRunId), body: restored ? sessionRestoredNotice(restored.entries) : SESSION_LOST, now });
        break;
      }
      case "vm_run_over":
        d.happened({ kind: "vm_run_over", vmRunId: e.vmRunId, now });
        break;
      case "model_refused": {
        // Back to the default for good, so it is told once; the run starts again without it (run-input.ts).
        const conversation = d.conversations.repo.get(e.conversationId);
        if (!conversation?.model) break;
        d.happened({ kind: "model_refused", conversationId: e.conversationId });
        d.outbox.add({ dedupeKey: outboxKeys.modelRefused(vmRunId), body: modelRefusedNotice(conversation.name, conversation.model), now });
        d.log("model_refused", { runId: run.id, conversation: conversation.name, model: conversation.model });
        break;
      }
      case "model_hold": {
        const pause = d.modelPause?.hold(e.hold, now);
        if (pause) d.log("model_paused", { runId: run.id, kind: pause.kind, until: pause.until, streak: pause.streak, limit: pause.limit });
        break;
      }
      case "spend_unknown":
        d.spend.recordUnknown(run.conversationId, now);
        break;
      case "finished":
        // The conversation's name, so that runs side by side can be told apart in the log.
        d.log("run_finished", { runId: run.id, conversation: d.conversations.repo.nameOf(run.conversationId), outcome: e.outcome, results: run.results, costUsd: run.costUsd, durationMs: now - run.createdAt });
        break;
      // The VM's I/O: the run driver's, after the transaction.
      case "wait":
      case "connect":
      case "start":
      case "reconnect":
      case "cancel_vm":
      case "invalid":
        break;
    }
  }
}

/** A turn's answer, to the outbox: the task it was, what it was refused, its cost. */
function reply(d: RunEffectsDeps, run: Run, vmRunId: string, event: Extract<VmRunEvent, { type: "result" }>, now: number): void {
  const answered = event.messageIds.flatMap((id) => d.messages.get(id) ?? []);
  const tasks = answered.flatMap((m) => d.schedules.recordResult(m, { ...event, now }) ?? []);
  const taskLine = tasks.length > 0 ? `⏰ Task #${tasks.map((t) => t.taskId).join(", #")}\n\n` : "";
  // A task's result says what it was not allowed to do (nobody was there to answer, maybe).
  const refused = tasks.length > 0 ? d.approvals.refusedLine(run.id) : "";
  // A run an event started says so: its reply is not an answer to something the user wrote.
  const text = d.conversations.prefixFor(run.conversationId, d.runs.openAll().length) + eventPrefix(d.messages.eventsOfRun(run.id)) + taskLine + (event.isError ? agentErrorReply(event.text, answered) : event.text) + refused;
  // An update still waiting to go (a retry, the 24-hour window) is stale once the answer is here.
  d.outbox.dropUnsentProgress(run.id);
  // To the chat the answered messages came from, in that channel's markup and parts.
  const to = replyTarget(answered) ?? undefined;
  // A forked run's reply is not the conversation's: a lost session is restored without it (transcriptOf), as without its prompt.
  const ofConversation = run.forkSession ? {} : { conversationId: run.conversationId };
  d.outbox.add({ dedupeKey: outboxKeys.reply(vmRunId, event.seq, 0), partKey: (i) => outboxKeys.reply(vmRunId, event.seq, i), body: text, markdown: true, to, ...ofConversation, now });
  // After the text, the same answer for ears: made from the text, so it says no more than it.
  const events = d.messages.eventsOfRun(run.id);
  if (d.voice && speaksReply(d.voice.mode(), answered, events.length > 0, event.isError)) {
    const spoken = spokenReply(d.conversations.prefixFor(run.conversationId, d.runs.openAll().length) + event.text, d.voice.maxSeconds);
    const speak = { text: spoken.text, conversationId: run.conversationId };
    if (spoken.text !== "") d.outbox.add({ dedupeKey: outboxKeys.voiceReply(vmRunId, event.seq), body: "", media: { source: { vmRunId: "", fileId: "", name: "reply.ogg", contentType: "audio/ogg", size: 0 }, speak }, to, now });
  }
  d.spend.recordCost(run.conversationId, event.costUsd, now, event.offlineModel === true, event.costByModel);
  // The model answered: a pause's streak (an outage's backoff) is over.
  if (!event.isError) d.modelPause?.answered();
  // The agent answered a turn that carried the note of an undo: it is told.
  d.happened({ kind: "undo_note_told", conversationId: run.conversationId });
  // A run in a fork leaves one line for the user's own session; the user's run that was given the lines has told them.
  const [started] = events;
  if (run.forkSession && started) d.meanwhile?.add(run.conversationId, meanwhileLine(started.label, event.text), now);
  else if (run.context === "chat" && !run.forkSession) d.meanwhile?.told(run.conversationId, run.createdAt);
  // Counted on the run (results, cost) and logged once with run_finished: a log line costs
  // about as much CPU as an HTTP exchange under wrangler dev, and is billed in production.
  if (event.isError) d.log("run_result_error", { runId: run.id, seq: event.seq, subtype: event.subtype });
}
