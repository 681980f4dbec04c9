// The messages' notices (messages/messages.ts's MessagesOutbox) as outbox rows under their keys:
// the messages say what to tell and when, the outbox keys it so a replayed step adds nothing.
import type { MessagesOutbox } from "../messages/messages";
import { outboxKeys } from "./outbox-keys";
import type { OutboxRepo } from "./outbox-repo";

export function messagesNotices(outbox: Pick<OutboxRepo, "add" | "upsertPending" | "canRewrite" | "repliesIn">): MessagesOutbox {
  return {
    ackOpen: (runId) => outbox.canRewrite(outboxKeys.ack(runId)),
    ack: (runId, body, now) => outbox.upsertPending({ dedupeKey: outboxKeys.ack(runId), body, now }),
    gaveUp: (runId, body, now) => outbox.add({ dedupeKey: outboxKeys.gaveUp(runId), body, now }),
    taskFailed: (runId, body, now) => outbox.add({ dedupeKey: outboxKeys.taskFailed(runId), body, now }),
    repliesIn: (conversationId, limit) => outbox.repliesIn(conversationId, limit),
  };
}
