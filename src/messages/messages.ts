// The messages service: the only writer of a message's status. Each method names a move of the
// lifecycle (messages/message-lifecycle.ts); it loads what is pending, steps the pure function,
// writes the moves, and carries out what they mean for the user: the one acknowledgement per
// run, the notice that names failed messages, the task log of failed or dropped tasks.
// Call inside the transaction of the change that causes the move.
import { ackQueued, giveUpNotice, taskFailureNotice } from "./notices";
import { type MessageEvent, type Named, type Step, stepMessages } from "./message-lifecycle";
import type { MessagesRepo } from "./messages-repo";
import type { Log } from "../shared/log";
import { compactTranscript, TRANSCRIPT_MAX_ENTRIES } from "./transcript";

/**
 * What the messages say to the user, each once per run it is about. The outbox stands above and
 * keys them (outbox/messages-notices.ts binds this to its rows); the messages only say what and when.
 */
export type MessagesOutbox = {
  /** The run's one acknowledgement can still be rewritten: false once it went to the channel (or was tried). */
  ackOpen(runId: string): boolean;
  /** The run's acknowledgement ("got it, queued"), written or rewritten while it waits. */
  ack(runId: string, body: string, now: number): void;
  /** What the user reads when the run ends without answering their messages. */
  gaveUp(runId: string, body: string, now: number): void;
  /** "Scheduled task #n failed", beside the user's own notice. */
  taskFailed(runId: string, body: string, now: number): void;
  /** The conversation's latest replies, newest first: a transcript's other half. */
  repliesIn(conversationId: number, limit: number): { text: string; at: number }[];
};

/** What a task's message ending means to its schedule, which keeps the task's log (schedules/ stands above; schedules-unit.ts is one). */
export type TaskLog = {
  /** The task's run ended without an answer: its schedule's id when the user should hear (once per streak), else null. */
  recordFailure(m: Named, error: string, now: number): number | null;
  /** The task's message was dropped (/stop, /deny): logged, not counted as a failure. */
  recordDropped(m: Named, why: string, now: number): void;
};

export type MessagesDeps = {
  repo: MessagesRepo;
  outbox: MessagesOutbox;
  schedules: TaskLog;
  log: Log;
};

export function createMessages(d: MessagesDeps) {
  const step = (event: MessageEvent, now: number) => {
    const { moves, effects } = stepMessages(d.repo.pending(), event);
    d.repo.move(moves, now);
    return effects;
  };

  /** A run's end for its messages: carried ones logged, failed ones named to the user and to their schedules. */
  const endOf = (runId: string, effects: Step["effects"], now: number): void => {
    for (const e of effects) {
      if (e.type === "carried") d.log("messages_carried", { runId, messages: e.ids.length });
      if (e.type !== "failed") continue;
      const users = e.messages.filter((m) => m.kind === "user");
      const notice = users.length > 0 ? giveUpNotice(e.reason, users) : null;
      if (notice) d.outbox.gaveUp(runId, notice, now);
      // A failing task is told once per streak of failures (its schedule counts them).
      const tasks = e.messages.flatMap((m) => (m.kind === "user" ? [] : (d.schedules.recordFailure(m, e.reason, now) ?? [])));
      if (tasks.length > 0) d.outbox.taskFailed(runId, taskFailureNotice(tasks, e.reason), now);
    }
  };

  /** Tasks go to their schedule's log; the user's own messages are returned to be named. */
  const dropped = (messages: Named[], why: string, now: number): Named[] => {
    for (const m of messages) if (m.kind !== "user") d.schedules.recordDropped(m, why, now);
    return messages;
  };

  return {
    /** A conversation's last exchanges, leaving out one run's own messages (messages/transcript.ts): what restores a lost session. */
    transcriptOf(conversationId: number, exceptRunId: string): { text: string; entries: number } | null {
      const said = d.repo.sentToAgent(conversationId, exceptRunId, TRANSCRIPT_MAX_ENTRIES).map((m) => ({ role: "user" as const, ...m }));
      const answered = d.outbox.repliesIn(conversationId, TRANSCRIPT_MAX_ENTRIES).map((m) => ({ role: "agent" as const, ...m }));
      return compactTranscript([...said, ...answered]);
    },
    /** A message for the agent was queued while `openRunId` runs: the run's one acknowledgement says how many wait. */
    received(id: string, openRunId: string | null, now: number): void {
      // With no run open there is nothing to acknowledge: the webhook's path reads no rows for it.
      if (openRunId === null) return;
      // Once the run's acknowledgement went to Twilio (or was tried) it says nothing more: nothing to read for it.
      if (!d.outbox.ackOpen(openRunId)) return;
      for (const e of step({ type: "received", id, openRunId }, now)) {
        if (e.type === "ack") d.outbox.ack(e.runId, ackQueued(e.waiting), now);
      }
    },

    /** The relay answered it itself: nothing is left for the agent. */
    answeredByRelay(id: string, now: number): void {
      step({ type: "answered_by_relay", id }, now);
    },

    /**
     * The moves a step of the run's lifecycle (runs/run-lifecycle.ts) decided (handed, answered,
     * unread, the run's end), and what they mean for the user: carried ones logged, failed ones named.
     */
    runStepped(runId: string, moves: Step["moves"], effects: Step["effects"], now: number): void {
      d.repo.move(moves, now);
      endOf(runId, effects, now);
    },

    /** /stop: every message of the conversation not yet answered is dropped; returns them, to be named. */
    stop(conversationId: number, now: number): Named[] {
      const effects = step({ type: "stop", conversationId }, now);
      return effects.flatMap((e) => (e.type === "dropped" ? dropped(e.messages, "dropped by /stop", now) : []));
    },

    /** An admin's /deny: everything pending is dropped; returns the user's messages. */
    deny(now: number): Named[] {
      const effects = step({ type: "deny" }, now);
      return effects.flatMap((e) => (e.type === "dropped" ? dropped(e.messages, "dropped: access removed by an admin", now) : [])).filter((m) => m.kind === "user");
    },
  };
}
export type Messages = ReturnType<typeof createMessages>;
