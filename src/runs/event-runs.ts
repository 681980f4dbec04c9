// A run started by an event rather than by the user writing: a GitHub event, an HTTP trigger, a
// "Fix it" tap. It is stored as a message of the conversation it names, once per event id (a
// redelivered event adds nothing), counted against the rate limit like a message, and the user
// is told what started it. Budgets hold it as they hold any queued message.
import { decideRate, RATE_WINDOW_MS } from "../shared/rate-limit";
import { outboxKeys } from "../outbox/outbox-keys";
import { rateLimitedNotice } from "../messages/notices";
import type { EventRunConversations } from "./run-ports";
import type { MessagesRepo } from "../messages/messages-repo";
import type { RunsRepo } from "./runs-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { Transaction } from "../shared/sql";
import type { EventRun, EventRunOutcome } from "./event-run";
import type { Messages } from "../messages/messages";
import type { OutboxWriter } from "../outbox/outbox-addressing";

/** What storing an event needs of the object: a part of the inbox's deps (agent/inbox.ts passes its own). */
export type EventRunDeps = {
  messages: MessagesRepo;
  /** The conversation the event names, or why its run cannot start there. */
  conversations: EventRunConversations;
  runs: RunsRepo;
  transaction: Transaction;
  lifecycle: Pick<Messages, "received">;
  settings: SettingsRepo;
  outboxRepo: Pick<OutboxWriter, "add">;
  /** MAX_MESSAGES_PER_MINUTE (0: no limit). */
  maxMessagesPerMinute: number;
};

const EVENT_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function startedByNotice(origin: string, conversation: string): string {
  return `▶️ ${origin}: started a run in @${conversation}.`;
}

/**
 * Stores `event` as a message for the agent in its conversation, or says why not. `settled`: done
 * in the same transaction, whatever the outcome (a waiting run's row removed: it is taken once).
 */
export function receiveEvent(d: EventRunDeps, event: EventRun, now: number, settled?: () => void): EventRunOutcome {
  if (!EVENT_ID.test(event.eventId)) throw new Error(`an event id must be 1-80 of [A-Za-z0-9_-]: ${event.eventId}`);
  return d.transaction(() => {
    settled?.();
    if (d.messages.get(event.eventId)) return { outcome: "duplicate" };
    const limit = d.maxMessagesPerMinute;
    const rate = decideRate({ recent: limit > 0 ? d.messages.countUserSince(now - RATE_WINDOW_MS, limit) : 0, limit, exempt: false, lastNoticeAt: d.settings.getNumber("rate_notice_at"), now });
    if (rate.action === "refuse") {
      if (rate.notify) {
        d.settings.set("rate_notice_at", now);
        d.outboxRepo.add({ dedupeKey: outboxKeys.rateLimited(now), body: rateLimitedNotice(limit), now });
      }
      return { outcome: "refused", reason: "rate_limited" };
    }
    const target = d.conversations.repo.byName(event.conversation);
    if (!target || target.status === "cloning") {
      const why = d.conversations.cannotTake(target, event.conversation);
      d.outboxRepo.add({ dedupeKey: outboxKeys.eventRun(event.eventId), body: `${event.origin}: not started. ${why}`, to: event.source, now });
      return { outcome: "refused", reason: target ? "cloning" : "no_conversation" };
    }
    const stored = d.messages.insert({
      id: event.eventId,
      body: event.prompt,
      media: [],
      conversationId: target.id,
      receivedAt: event.receivedAt,
      source: event.source,
      origin: event.origin,
      event: { label: event.label ?? event.origin, repo: event.repo ?? null },
      now,
    });
    if (!stored) return { outcome: "duplicate" };
    d.settings.set("public_origin", event.publicOrigin);
    d.outboxRepo.add({ dedupeKey: outboxKeys.eventRun(event.eventId), body: startedByNotice(event.origin, target.name), to: event.source, now });
    d.lifecycle.received(event.eventId, d.runs.openIn(target.id)?.id ?? null, now);
    return { outcome: "queued" };
  });
}
