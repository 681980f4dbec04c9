// The life of a message, decided in one place. A message is received and queued, handed to a
// run (in a batch, or injected into the live session), and answered; or dropped (/stop, /deny),
// failed (named to the user), or cut off with its run and carried into the next run, once.
// Pure: the messages service loads what is pending, steps this, and writes what it returns.
import type { GiveUpReason } from "./run-failure";

export type MessageStatus = "queued" | "handed" | "answered" | "dropped" | "failed";
export type MessageKind = "user" | "task_chat" | "task_fresh";

/**
 * How a review sent from the private page (changes/review-draft.ts names its id) is told from a
 * user's message typed in a chat: it opens no channel's reply window (messages-repo.ts,
 * lastInboundAtOn). A pure definition, so the page's pure core can name it too.
 */
export const REVIEW_MESSAGE_PREFIX = "review-";

/** A message not yet at its end: the only ones an event can move. */
export type PendingMessage = {
  id: string;
  status: "queued" | "handed";
  /** The run it is handed to (null while queued). */
  runId: string | null;
  /** How that run got it: it started with it, or it joined the live session. */
  how: "batch" | "inject" | null;
  /** Runs that were cut off after handing it to the CLI. A second cut fails it: the CLI never gets it a third time. */
  cuts: number;
  kind: MessageKind;
  conversationId: number;
  body: string;
  /** The schedule a task message came from. */
  scheduleId: number | null;
};

/** How a run ended, for the messages it still holds. */
export type RunEnding =
  /** The VM said every turn was answered. */
  | { kind: "done" }
  /** A crash, a VM restart, a stream lost beyond recovery: the CLI may have read them, nobody answered. */
  | { kind: "cut" }
  /** The run gave up for a reason the next run would share (auth, misconfiguration, time limit, retries spent). */
  | { kind: "failed"; reason: GiveUpReason }
  /** /stop or /deny ended it (its messages were dropped by that same event). */
  | { kind: "cancelled" }
  /** The model gave no answer (a limit, an outage): they wait in the queue for the pause's end, not counted as cut. */
  | { kind: "held" };

export type MessageEvent =
  /** Arrived while `openRunId` runs (or none): the queue may owe an acknowledgement. */
  | { type: "received"; id: string; openRunId: string | null }
  | { type: "handed"; runId: string; ids: readonly string[]; how: "batch" | "inject" }
  | { type: "answered"; runId: string; ids: readonly string[] }
  /** The relay answered it itself (a message whose every attachment failed, and no text): no run needed. */
  | { type: "answered_by_relay"; id: string }
  /** The CLI exited without reading them: back to the queue, not counted as handed. */
  | { type: "unread"; runId: string; ids: readonly string[] }
  | { type: "run_ended"; runId: string; how: RunEnding }
  | { type: "stop"; conversationId: number }
  | { type: "deny" };

export type MessageMove = { id: string; to: MessageStatus; runId: string | null; how: "batch" | "inject" | null; cuts: number };

/** What a message is called when the relay names it: its first words, or its task. */
export type Named = { id: string; kind: MessageKind; body: string; scheduleId: number | null; how: "batch" | "inject" | null };

type MessageEffect =
  /** One acknowledgement per run: the shell keeps one outbox row per run and updates its count. */
  | { type: "ack"; runId: string; waiting: number }
  | { type: "dropped"; by: "stop" | "deny"; messages: Named[] }
  | { type: "failed"; reason: GiveUpReason; messages: Named[] }
  /** Cut off once: queued again, ahead of newer messages; the next run is told it was interrupted. */
  | { type: "carried"; ids: string[] };

export type Step = { moves: MessageMove[]; effects: MessageEffect[] };

/** Cut off this many times, a message fails rather than reach the CLI once more. */
const MAX_CUTS = 1;

const named = (m: PendingMessage): Named => ({ id: m.id, kind: m.kind, body: m.body, scheduleId: m.scheduleId, how: m.how });
const move = (m: PendingMessage, to: MessageStatus, runId: string | null = m.runId, cuts = m.cuts): MessageMove => ({
  id: m.id,
  to,
  runId,
  how: to === "queued" ? null : m.how,
  cuts,
});

export function stepMessages(pending: readonly PendingMessage[], event: MessageEvent): Step {
  const handedTo = (runId: string) => pending.filter((m) => m.status === "handed" && m.runId === runId);
  const picked = (runId: string, ids: readonly string[], status: PendingMessage["status"]) =>
    pending.filter((m) => ids.includes(m.id) && m.status === status && (status === "queued" || m.runId === runId));
  switch (event.type) {
    case "received": {
      const queued = pending.filter((m) => m.status === "queued").length;
      const isQueued = pending.some((m) => m.id === event.id && m.status === "queued");
      return { moves: [], effects: event.openRunId !== null && isQueued ? [{ type: "ack", runId: event.openRunId, waiting: queued }] : [] };
    }
    case "handed":
      return { moves: picked(event.runId, event.ids, "queued").map((m) => ({ ...move(m, "handed", event.runId), how: event.how })), effects: [] };
    case "answered":
      return { moves: picked(event.runId, event.ids, "handed").map((m) => move(m, "answered")), effects: [] };
    case "answered_by_relay":
      return { moves: pending.filter((m) => m.id === event.id && m.status === "queued").map((m) => move(m, "answered", null)), effects: [] };
    case "unread":
      return { moves: picked(event.runId, event.ids, "handed").map((m) => move(m, "queued", null)), effects: [] };
    case "run_ended":
      return endRun(handedTo(event.runId), event.how);
    case "stop":
      return drop(pending.filter((m) => m.conversationId === event.conversationId), "stop");
    case "deny":
      return drop(pending, "deny");
  }
}

function endRun(held: readonly PendingMessage[], how: RunEnding): Step {
  if (held.length === 0) return { moves: [], effects: [] };
  switch (how.kind) {
    case "cancelled":
      return { moves: held.map((m) => move(m, "dropped")), effects: [] };
    case "held":
      return { moves: held.map((m) => move(m, "queued", null)), effects: [] };
    case "failed":
      return { moves: held.map((m) => move(m, "failed")), effects: [{ type: "failed", reason: how.reason, messages: held.map(named) }] };
    // "done" with a turn left unanswered breaks the VM's promise: treated as a cut, never as answered.
    case "done":
    case "cut": {
      const carried = held.filter((m) => m.cuts < MAX_CUTS);
      const failed = held.filter((m) => m.cuts >= MAX_CUTS);
      const effects: MessageEffect[] = [];
      if (carried.length > 0) effects.push({ type: "carried", ids: carried.map((m) => m.id) });
      if (failed.length > 0) effects.push({ type: "failed", reason: "interrupted", messages: failed.map(named) });
      return { moves: [...carried.map((m) => move(m, "queued", null, m.cuts + 1)), ...failed.map((m) => move(m, "failed", m.runId, m.cuts + 1))], effects };
    }
  }
}

function drop(messages: readonly PendingMessage[], by: "stop" | "deny"): Step {
  if (messages.length === 0) return { moves: [], effects: [] };
  return { moves: messages.map((m) => move(m, "dropped")), effects: [{ type: "dropped", by, messages: messages.map(named) }] };
}

/** The pending set after `moves`: what the next event of the same transaction sees. */
export function applyMoves(pending: readonly PendingMessage[], moves: readonly MessageMove[]): PendingMessage[] {
  const byId = new Map(moves.map((m) => [m.id, m]));
  return pending.flatMap((m) => {
    const moved = byId.get(m.id);
    if (!moved) return [m];
    return moved.to === "queued" || moved.to === "handed" ? [{ ...m, status: moved.to, runId: moved.runId, how: moved.how, cuts: moved.cuts }] : [];
  });
}
