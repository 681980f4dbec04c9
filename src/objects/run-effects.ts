// The durable effects of run events and failures. Each runs inside one SQLite transaction that
// also records the event's seq, so a replayed event (reconnect, eviction) changes nothing.
import type { RunEvent } from "../protocol/vm-protocol";
import { chunkReply } from "../core/chunk-reply";
import { formatForWhatsApp } from "../core/whatsapp-format";
import { agentErrorReply, giveUpNotice, SESSION_LOST, taskFailureNotice } from "../core/notices";
import { decideOnFailure, type RunFailure } from "../core/run-policy";
import type { MessagesRepo } from "./db/messages-repo";
import type { OutboxRepo } from "./db/outbox-repo";
import type { RunsRepo } from "./db/runs-repo";
import type { SchedulesRepo } from "./db/schedules-repo";
import type { SettingsRepo } from "./db/settings-repo";
import type { ToolAnswer, ToolCallsRepo } from "./db/tool-calls-repo";
import { recordTaskFailure, recordTaskResult, scheduleIdOf } from "./task-lifecycle";

export type Repos = {
  messages: MessagesRepo;
  runs: RunsRepo;
  outbox: OutboxRepo;
  settings: SettingsRepo;
  schedules: SchedulesRepo;
  toolCalls: ToolCallsRepo;
};

export type RelayState = {
  /** One SQLite transaction (see Sql.transaction): all of `fn`'s writes or none. */
  transaction: <T>(fn: () => T) => T;
  repos: Repos;
  now: () => number;
  log: (event: string, fields: Record<string, unknown>) => void;
  /** Carries out one of the agent's relay tools; runs inside the event's transaction. */
  runTool?: (name: string, args: Record<string, unknown>, now: number) => ToolAnswer;
};

/** One turn carries at most this many messages (the protocol's cap); the rest wait. */
export const MAX_MESSAGES_PER_TURN = 10;

/** Finished rows older than this are pruned when a run ends (idle users keep nothing due). */
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 24 * 60 * 60 * 1000;

export type ApplyOutcome = "replay" | "applied" | "terminal";

export function applyRunEvent(s: RelayState, runId: string, vmRunId: string, event: RunEvent): ApplyOutcome {
  const { messages, runs, outbox, settings } = s.repos;
  // A progress line changes nothing: applying it twice is harmless, so it costs no write.
  if (event.type === "progress") return runs.get(runId) ? "applied" : "replay";
  return s.transaction(() => {
    const now = s.now();
    const run = runs.get(runId);
    if (!run || !runs.advanceSeq(runId, vmRunId, event.seq, now)) return "replay";
    // A task in a fresh session must never replace the user's conversation.
    const keepSession = (sessionId: string) => run.context === "chat" && settings.set("session_id", sessionId);
    switch (event.type) {
      case "session":
        keepSession(event.sessionId);
        return "applied";
      case "result": {
        const tasks = event.messageIds.flatMap((id) => recordTaskResult(s.repos, id, { ...event, now }) ?? []);
        const prefix = tasks.length > 0 ? `⏰ Task #${tasks.map((t) => t.taskId).join(", #")}\n\n` : "";
        const text = prefix + (event.isError ? agentErrorReply(event.text) : event.text);
        const parts = chunkReply(formatForWhatsApp(text));
        parts.forEach((body, i) => outbox.add({ dedupeKey: `${vmRunId}:${event.seq}:${i}`, body, now }));
        messages.finish(event.messageIds, runId, "done", now);
        runs.addResult(runId, event.costUsd, now);
        keepSession(event.sessionId);
        // Counted on the run (results, cost) and logged once with run_finished: a log line costs
        // about as much CPU as an HTTP exchange under wrangler dev, and is billed in production.
        if (event.isError) s.log("run_result_error", { runId, seq: event.seq, subtype: event.subtype });
        return "applied";
      }
      case "unconsumed":
        messages.requeue(event.messageIds, runId, now);
        s.log("run_unconsumed", { runId, messages: event.messageIds.length });
        return "applied";
      case "tool_call": {
        // Applied once with its answer stored: a replay is answered again, never re-applied.
        const answer = s.runTool?.(event.name, event.args, now) ?? { ok: false, text: `The relay has no tool named ${event.name}.` };
        s.repos.toolCalls.record(vmRunId, event.callId, answer, now);
        s.log("run_tool_call", { runId, tool: event.name, ok: answer.ok });
        return "applied";
      }
      case "done":
        messages.finish(
          messages.ofRun(runId, "dispatched").map((m) => m.id),
          runId,
          "done",
          now,
        );
        finishRun(s, runId, "done", now);
        return "terminal";
      case "error":
        applyFailure(s, runId, { kind: "vm", code: event.code });
        return "terminal";
    }
  });
}

/** Decides and records what a failure means; call inside a transaction. */
export function applyFailure(s: RelayState, runId: string, failure: RunFailure): void {
  const { messages, runs, outbox, settings } = s.repos;
  const run = runs.get(runId);
  if (!run || run.phase === "finished") return;
  const now = s.now();
  const decision = decideOnFailure(failure, run, now);
  s.log("run_decision", { runId, vmRunId: run.vmRunId, failure, decision });
  switch (decision.action) {
    case "retry_same":
      runs.retryTransport(runId, decision.at, now);
      return;
    case "retry_new": {
      const held = messages.ofRun(runId, "dispatched");
      messages.requeue(
        held.slice(MAX_MESSAGES_PER_TURN).map((m) => m.id),
        runId,
        now,
      );
      if (decision.freshSession) {
        settings.set("session_id", null);
        outbox.add({ dedupeKey: `session-lost:${run.vmRunId}`, body: SESSION_LOST, now });
      }
      const sessionId = decision.freshSession || run.context === "fresh" ? null : settings.get("session_id");
      runs.retryWithNewVmRun(runId, { at: decision.at, sessionId, fresh: decision.freshSession, now });
      return;
    }
    case "give_up": {
      const held = messages.ofRun(runId, "dispatched");
      messages.finish(
        held.map((m) => m.id),
        runId,
        decision.reason === "cancelled" ? "done" : "failed",
        now,
      );
      // A failing task is reported once per streak of failures; the user's own messages always.
      const tasksToReport = held.filter((m) => recordTaskFailure(s.repos, m.id, decision.reason, now));
      const forUser = messages.allOfRun(runId).some((m) => m.kind === "user");
      const unanswered = held.find((m) => m.kind === "user");
      const notice =
        forUser || decision.reason === "cancelled"
          ? giveUpNotice(decision.reason, unanswered?.body ?? null)
          : tasksToReport.length > 0
            ? taskFailureNotice(tasksToReport.map((m) => scheduleIdOf(m.id) ?? 0), decision.reason)
            : null;
      if (notice) outbox.add({ dedupeKey: `gave-up:${runId}`, body: notice, now });
      finishRun(s, runId, decision.reason, now);
      return;
    }
  }
}

function finishRun(s: RelayState, runId: string, outcome: string, now: number): void {
  const { runs, messages, outbox, settings } = s.repos;
  const summary = runs.finish(runId, outcome, now);
  settings.set("last_activity_at", now);
  if (now - (settings.getNumber("pruned_at") ?? 0) >= PRUNE_EVERY_MS) {
    const before = now - KEEP_FINISHED_MS;
    messages.pruneFinished(before);
    runs.pruneFinished(before);
    outbox.pruneFinished(before);
    s.repos.toolCalls.pruneBefore(before);
    settings.set("pruned_at", now);
  }
  s.log("run_finished", { runId, outcome, results: summary?.results, costUsd: summary?.costUsd, durationMs: summary ? now - summary.startedAt : undefined });
}
