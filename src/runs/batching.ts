// Which queued messages form the next agent turn. A batch belongs to one conversation: the one
// of the oldest queued message; messages for other conversations keep their place in the queue.
// A task that runs in a fresh session, and a Claude Code slash command, each go alone: the
// first must never see the user's session, the second must be the whole first input of a run.
// An event's message (a GitHub event, a trigger: `origin` set) goes alone too, and nothing joins
// its run: that run asks before every action (messages/event-guard.ts), the user's own do not.
type QueuedKind = "user" | "task_chat" | "task_fresh";
export type QueuedRef = { id: string; kind: QueuedKind; conversationId: number; slash: boolean; origin?: string | null };
type Batch = { ids: string[]; context: "chat" | "fresh"; conversationId: number };

const isEvent = (m: QueuedRef) => m.origin !== undefined && m.origin !== null;
const alone = (m: QueuedRef) => m.kind === "task_fresh" || m.slash || isEvent(m);

export function selectBatch(queued: readonly QueuedRef[], max: number): Batch | null {
  const first = queued[0];
  if (!first) return null;
  const conversationId = first.conversationId;
  if (alone(first)) return { ids: [first.id], context: first.kind === "task_fresh" ? "fresh" : "chat", conversationId };
  const ids: string[] = [];
  for (const message of queued) {
    if (message.conversationId !== conversationId) continue;
    if (alone(message) || ids.length === max) break;
    ids.push(message.id);
  }
  return { ids, context: "chat", conversationId };
}

/**
 * Whether a batch's run works in a fork of its conversation's session: a chat batch of an event's
 * message (alone, see selectBatch), so that someone else's text never enters the user's own session.
 */
export function forksSession(batch: { context: "chat" | "fresh" }, messages: readonly QueuedRef[]): boolean {
  return batch.context === "chat" && messages.some(isEvent);
}

/**
 * Messages that may join a live run as further turns: only the user's own, only for the run's
 * conversation, never a slash command, and never into a task's fresh session.
 */
export function injectable(queued: readonly QueuedRef[], run: { context: "chat" | "fresh"; conversationId: number; event?: boolean }, max: number): string[] {
  if (run.context === "fresh" || run.event === true) return [];
  const ids: string[] = [];
  for (const message of queued) {
    if (message.conversationId !== run.conversationId) continue;
    if (message.kind !== "user" || message.slash || isEvent(message) || ids.length === max) break;
    ids.push(message.id);
  }
  return ids;
}

/**
 * A run's input with the note for messages carried from a run that was cut off: once, after the
 * turn's last message, so every message comes before the relay's words about them. The note is
 * told which messages (1-based positions) and out of how many. None carried: unchanged.
 */
export function noteCarried<T extends { text: string }>(input: readonly T[], carried: readonly boolean[], note: (positions: number[], total: number) => string): T[] {
  const positions = carried.flatMap((c, i) => (c ? [i + 1] : []));
  return positions.length === 0 ? [...input] : afterLast(input, note(positions, input.length));
}

/** The relay's own words for a turn, once, after its last message (so the user's words come first). Null: unchanged. */
export function afterLast<T extends { text: string }>(input: readonly T[], note: string | null): T[] {
  const last = input.length - 1;
  return note === null ? [...input] : input.map((m, i) => (i === last ? { ...m, text: `${m.text}\n\n${note}` } : m));
}
