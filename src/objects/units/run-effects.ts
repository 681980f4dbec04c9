// The durable effects of run events and failures. Each runs inside one SQLite transaction that
// also records the event's seq, so a replayed event (reconnect, eviction) changes nothing.
import type { VmRunEvent } from "../../protocol/vm-protocol";
import { chunkReply } from "../../core/chunk-reply";
import { formatForWhatsApp } from "../../core/whatsapp-format";
import { agentErrorReply, SESSION_LOST, sessionRestoredNotice } from "../../core/notices";
import { outboxKeys } from "../../core/outbox-keys";
import { type FailureDecision, decideOnFailure, type RunFailure } from "../../core/run-policy";
import type { MessagesRepo } from "../db/messages-repo";
import type { RunsRepo } from "../db/runs-repo";
import type { RunToolCallsRepo } from "../db/run-tool-calls-repo";
import type { Transaction } from "../db/sql";
import type { ToolAnswer } from "../db/vm-answers-repo";
import type { VmAnswers } from "./vm-answers";
import type { Approvals } from "./approvals";
import type { Changes } from "./changes";
import type { Conversations } from "./conversations";
import type { Messages } from "./messages";
import type { Log, Outbox } from "./outbox";
import type { Schedules } from "./schedules";

/** Carries out one of the agent's relay tools for a run of `conversationId`; inside the event's transaction. */
export type ToolRunner = (name: string, args: Record<string, unknown>, conversationId: number, now: number, call: { vmRunId: string; callId: string }) => ToolAnswer;

/** A conversation's last exchanges, leaving out one run's own messages (see core/transcript.ts). */
export type TranscriptOf = (conversationId: number, exceptRunId: string) => { text: string; entries: number } | null;

export type RunEffectsDeps = {
  transaction: Transaction;
  /** Reads only: every status change goes through `lifecycle`. */
  messages: MessagesRepo;
  lifecycle: Messages;
  runs: RunsRepo;
  /** Answers the VM run must hear (the relay's tool answers among them). */
  answers: Pick<VmAnswers, "owe">;
  /** Each conversation holds its agent session id; replies of one not current are prefixed. */
  conversations: Pick<Conversations, "repo" | "prefixFor" | "recordSession">;
  outbox: Pick<Outbox, "add" | "dropUnsentProgress">;
  transcriptOf: TranscriptOf;
  /** What the agent cost, by day in the user's zone and conversation (/cost, the caps). */
  spend: { recordCost(conversationId: number, costUsd: number, now: number): void; recordUnknown(conversationId: number, now: number): void };
  schedules: Pick<Schedules, "recordResult">;
  /** The agent's questions before it acts; a VM run that is over closes its own. */
  approvals: Pick<Approvals, "request" | "vmRunOver" | "refusedLine">;
  tools: ToolRunner;
  /** What runs changed in their workspace (the line after the reply, /diff, /undo); absent in units' tests that need none. */
  changes?: Pick<Changes, "record" | "told" | "noteFor">;
  /** Each VM run's tool calls, as its terminal event carried them (the private page lists them). */
  toolCalls: Pick<RunToolCallsRepo, "add">;
  log: Log;
};

/** One turn carries at most this many messages (the protocol's cap); the rest wait. */
export const MAX_MESSAGES_PER_TURN = 10;

/** `invalid`: the event names messages this run does not carry; nothing was written. */
export type ApplyOutcome = "replay" | "applied" | "terminal" | "invalid";

export function applyRunEvent(d: RunEffectsDeps, runId: string, vmRunId: string, event: VmRunEvent, now: number): ApplyOutcome {
  const { messages, runs, outbox, conversations } = d;
  // A progress line changes nothing: applying it twice is harmless, so it costs no write.
  if (event.type === "progress") return runs.get(runId) ? "applied" : "replay";
  return d.transaction(() => {
    const run = runs.get(runId);
    if (!run || run.vmRunId !== vmRunId || run.phase === "finished" || event.seq <= run.lastSeq) return "replay";
    // A turn answers only messages dispatched to this run: never another run's, or another user's.
    if ((event.type === "result" || event.type === "unconsumed") && !carriesAll(messages, runId, event.messageIds)) return "invalid";
    // The seq is stored with the event's own write to the run. A terminal event needs none: it
    // finishes the run (a replay then finds it finished) or starts it anew on a new VM run.
    const terminal = event.type === "done" || event.type === "error";
    if (!terminal && !runs.advanceSeq(runId, vmRunId, event.seq, now, event.type === "result" ? { costUsd: event.costUsd } : undefined)) return "replay";
    // A task in a fresh session must never replace the conversation's session.
    const keepSession = (sessionId: string) => run.context === "chat" && conversations.recordSession(run.conversationId, sessionId);
    switch (event.type) {
      case "session":
        keepSession(event.sessionId);
        return "applied";
      case "result": {
        const answered = event.messageIds.flatMap((id) => messages.get(id) ?? []);
        const tasks = answered.flatMap((m) => d.schedules.recordResult(m, { ...event, now }) ?? []);
        const taskLine = tasks.length > 0 ? `⏰ Task #${tasks.map((t) => t.taskId).join(", #")}\n\n` : "";
        // A task's result says what it was not allowed to do (nobody was there to answer, maybe).
        const refused = tasks.length > 0 ? d.approvals.refusedLine(runId) : "";
        const text = conversations.prefixFor(run.conversationId) + taskLine + (event.isError ? agentErrorReply(event.text, answered) : event.text) + refused;
        // An update still waiting to go (a retry, the 24-hour window) is stale once the answer is here.
        outbox.dropUnsentProgress(runId);
        const parts = chunkReply(formatForWhatsApp(text));
        parts.forEach((body, i) => outbox.add({ dedupeKey: outboxKeys.reply(vmRunId, event.seq, i), body, conversationId: run.conversationId, now }));
        d.lifecycle.answered(runId, event.messageIds, now);
        d.spend.recordCost(run.conversationId, event.costUsd, now);
        keepSession(event.sessionId);
        // The agent answered a turn that carried the note of an undo: it is told.
        d.changes?.told(run.conversationId);
        // Counted on the run (results, cost) and logged once with run_finished: a log line costs
        // about as much CPU as an HTTP exchange under wrangler dev, and is billed in production.
        if (event.isError) d.log("run_result_error", { runId, seq: event.seq, subtype: event.subtype });
        return "applied";
      }
      case "unconsumed":
        d.lifecycle.unread(runId, event.messageIds, now);
        d.log("run_unconsumed", { runId, messages: event.messageIds.length });
        return "applied";
      case "approval_request":
        d.approvals.request(run, event, now);
        return "applied";
      case "tool_call": {
        // Applied once with its answer stored: a replay is answered again, never re-applied. A
        // task in its own session is offered no tools, so a call from it is refused, not run.
        const answer = run.context === "chat" ? d.tools(event.name, event.args, run.conversationId, now, { vmRunId, callId: event.callId }) : { ok: false, text: "This run has no relay tools." };
        d.answers.owe(vmRunId, event.callId, { kind: "tool", body: { callId: event.callId, ...answer } }, now);
        d.log("run_tool_call", { runId, tool: event.name, ok: answer.ok });
        return "applied";
      }
      case "done":
        recordEnd(d, run, event, now);
        // Every turn was answered, by the VM's word; one it left unanswered is carried, never dropped.
        d.lifecycle.runEnded(runId, { kind: "done" }, now);
        finishRun(d, runId, "done", now, event.seq);
        return "terminal";
      case "error":
        // Files it changed before it failed are changed all the same: /diff and /undo see them.
        recordEnd(d, run, event, now);
        // The VM's own words stay in the operator's log (run_decision), never in the user's reply.
        applyFailure(d, runId, { kind: "vm", code: event.code }, now, { seq: event.seq, reason: event.reason, message: event.message.slice(0, 300) });
        return "terminal";
    }
  });
}

/**
 * What a VM run's terminal event tells of it: its change, and its tool calls (a row even when it
 * made none, so that only a run cut off without a terminal event shows them as not recorded).
 */
function recordEnd(d: RunEffectsDeps, run: { id: string; vmRunId: string; conversationId: number }, event: Extract<VmRunEvent, { type: "done" | "error" }>, now: number): void {
  if (event.change) d.changes?.record(run, event.change, now);
  d.toolCalls.add({ runId: run.id, vmRunId: run.vmRunId, toolCalls: event.toolCalls ?? { calls: [], more: 0 }, now });
}

function carriesAll(messages: MessagesRepo, runId: string, ids: readonly string[]): boolean {
  const dispatched = new Set(messages.ofRun(runId, "handed").map((m) => m.id));
  return ids.every((id) => dispatched.has(id));
}

/**
 * Decides and records what a failure means; call inside a transaction. Null when the run was
 * already over. Its `run_decision` line is the attempt's one line: the failure, what was decided,
 * and `detail` (the VM's event, or the transport's error as `message`).
 */
export function applyFailure(d: RunEffectsDeps, runId: string, failure: RunFailure, now: number, detail?: { seq?: number; reason?: string; message: string }): FailureDecision | null {
  const { messages, runs, outbox, conversations } = d;
  const run = runs.get(runId);
  if (!run || run.phase === "finished") return null;
  const decision = decideOnFailure(failure, { ...run, streamed: run.phase === "streaming" }, now);
  d.log("run_decision", { runId, vmRunId: run.vmRunId, failure, decision, ...detail });
  switch (decision.action) {
    case "retry_same":
      runs.retryTransport(runId, decision.at, now);
      break;
    case "retry_new": {
      // A new VM run takes one turn's worth; the rest wait for the next run, uncounted.
      const held = messages.ofRun(runId, "handed");
      d.lifecycle.unread(runId, held.slice(MAX_MESSAGES_PER_TURN).map((m) => m.id), now);
      if (decision.freshSession) {
        conversations.recordSession(run.conversationId, null);
        // The fresh session starts from the chat's last exchanges (see run-driver's open()).
        const restored = run.context === "chat" ? d.transcriptOf(run.conversationId, runId) : null;
        outbox.add({ dedupeKey: outboxKeys.sessionLost(run.vmRunId), body: restored ? sessionRestoredNotice(restored.entries) : SESSION_LOST, now });
      }
      const sessionId = decision.freshSession || run.context === "fresh" ? null : (conversations.repo.get(run.conversationId)?.sessionId ?? null);
      // The old VM run is gone, and with it whatever it was asking.
      d.approvals.vmRunOver(run.vmRunId, now);
      runs.retryWithNewVmRun(runId, { at: decision.at, sessionId, fresh: decision.freshSession, now });
      break;
    }
    case "cut":
      // Its unanswered turns go into the next run once, which resumes the session and is told.
      d.lifecycle.runEnded(runId, { kind: "cut" }, now);
      endRun(d, run, "interrupted", now, detail?.seq);
      break;
    case "give_up":
      d.lifecycle.runEnded(runId, decision.reason === "cancelled" ? { kind: "cancelled" } : { kind: "failed", reason: decision.reason }, now);
      endRun(d, run, decision.reason, now, detail?.seq);
      break;
  }
  return decision;
}

/** A run that ended without its answer: one that may have used the model but reported no cost is counted as unknown, not free. */
function endRun(d: RunEffectsDeps, run: { id: string; results: number; conversationId: number }, outcome: string, now: number, lastSeq?: number): void {
  if (run.results === 0 && outcome !== "auth_failed" && outcome !== "misconfigured") d.spend.recordUnknown(run.conversationId, now);
  finishRun(d, run.id, outcome, now, lastSeq);
}

function finishRun(d: Pick<RunEffectsDeps, "runs" | "log" | "approvals">, runId: string, outcome: string, now: number, lastSeq?: number): void {
  const vmRunId = d.runs.get(runId)?.vmRunId;
  if (vmRunId) d.approvals.vmRunOver(vmRunId, now);
  const summary = d.runs.finish(runId, outcome, now, lastSeq);
  d.log("run_finished", { runId, outcome, results: summary?.results, costUsd: summary?.costUsd, durationMs: summary ? now - summary.startedAt : undefined });
}
