// Which queued messages start a run next when several conversations of one user run at once.
// A conversation runs one batch at a time, in order (runs/batching.ts chooses it); different
// conversations run side by side, up to MAX_PARALLEL_RUNS of the user's runs. A task in its own
// session (task_fresh) never touches the conversation's session, so it runs beside it; a
// scheduled task of a busy conversation that is more than a minute past its start runs in a
// session of its own rather than wait behind a long run. Pure: the run driver asks, stepRun's
// dispatch creates the run.
import { type QueuedRef, selectBatch } from "./batching";

/** What a dispatch decision needs of a run not finished yet. */
export type OpenRun = { id: string; conversationId: number; context: "chat" | "fresh"; createdAt: number };

/** A scheduled task whose conversation is busy this long past its start runs in its own session. */
export const OVERDUE_TASK_MS = 60_000;

export type Slot =
  /** Start this batch; `overdue`: a chat task moved into a session of its own (its conversation was busy). */
  | { kind: "dispatch"; ids: string[]; context: "chat" | "fresh"; conversationId: number; overdue: boolean }
  /** Past the limit: the first message that could start waits for `waitingFor` (the oldest live run). */
  | { kind: "full"; firstId: string; conversationId: number; waitingFor: OpenRun }
  /** Nothing queued can start (its conversation runs, or nothing is queued). */
  | { kind: "none" };

/** Whether a conversation's session is in use: a chat run of it is open. */
export const busyConversations = (open: readonly OpenRun[]): Set<number> => new Set(open.filter((r) => r.context === "chat").map((r) => r.conversationId));

/**
 * The next batch that may start beside the runs `open`, or why none may. `queued` in queue order
 * (oldest first); `maxParallel`: MAX_PARALLEL_RUNS; `maxPerTurn`: messages one turn carries.
 */
export function nextDispatch(queued: readonly (QueuedRef & { receivedAt: number })[], open: readonly OpenRun[], limits: { maxParallel: number; maxPerTurn: number }, now: number): Slot {
  const busy = busyConversations(open);
  const overdue = new Set<string>();
  const ready = queued.flatMap((m): QueuedRef[] => {
    if (!busy.has(m.conversationId) || m.kind === "task_fresh") return [m];
    // A slash command is the whole first input of a run in the conversation's session: it waits.
    if (m.kind === "task_chat" && !m.slash && now - m.receivedAt > OVERDUE_TASK_MS) {
      overdue.add(m.id);
      return [{ ...m, kind: "task_fresh" }];
    }
    return [];
  });
  const batch = selectBatch(ready, limits.maxPerTurn);
  if (!batch) return { kind: "none" };
  if (open.length >= limits.maxParallel) {
    const oldest = [...open].sort((a, b) => a.createdAt - b.createdAt)[0];
    const first = batch.ids[0];
    return oldest && first ? { kind: "full", firstId: first, conversationId: batch.conversationId, waitingFor: oldest } : { kind: "none" };
  }
  return { kind: "dispatch", ...batch, overdue: batch.ids.some((id) => overdue.has(id)) };
}
