// Which queued messages form the next agent turn. A task that runs in a fresh session goes
// alone (its own session, never the user's); everything else is batched in arrival order.
export type QueuedKind = "user" | "task_chat" | "task_fresh";
export type QueuedRef = { id: string; kind: QueuedKind };
export type Batch = { ids: string[]; context: "chat" | "fresh" };

export function selectBatch(queued: readonly QueuedRef[], max: number): Batch | null {
  const first = queued[0];
  if (!first) return null;
  if (first.kind === "task_fresh") return { ids: [first.id], context: "fresh" };
  const ids: string[] = [];
  for (const message of queued) {
    if (message.kind === "task_fresh" || ids.length === max) break;
    ids.push(message.id);
  }
  return { ids, context: "chat" };
}

/** Messages that may join a live run as further turns: only the user's, only in their chat. */
export function injectable(queued: readonly QueuedRef[], runContext: "chat" | "fresh", max: number): string[] {
  if (runContext === "fresh") return [];
  const ids: string[] = [];
  for (const message of queued) {
    if (message.kind !== "user" || ids.length === max) break;
    ids.push(message.id);
  }
  return ids;
}
