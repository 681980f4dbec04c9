// Messages not yet at their end, as the lifecycles' tests build them: queued by default, or handed to a run.
import type { PendingMessage } from "../../src/messages/message-lifecycle";

export const msg = (id: string, over: Partial<PendingMessage> = {}): PendingMessage => ({
  id,
  status: "queued",
  runId: null,
  how: null,
  cuts: 0,
  kind: "user",
  conversationId: 1,
  body: `text of ${id}`,
  scheduleId: null,
  ...over,
});
export const handed = (id: string, runId = "r1", over: Partial<PendingMessage> = {}) => msg(id, { status: "handed", runId, how: "batch", ...over });
