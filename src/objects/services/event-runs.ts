// A run started by an event rather than by the user writing: a GitHub event, an HTTP trigger, a
// "Fix it" tap. It is stored as a message of the conversation it names, once per event id (a
// redelivered event adds nothing), counted against the rate limit like a message, and the user
// is told what started it. Budgets hold it as they hold any queued message.
import { decideRate, RATE_WINDOW_MS } from "../../core/rate-limit";
import { outboxKeys } from "../../core/outbox-keys";
import { rateLimitedNotice } from "../../core/notices";
import { noSuchConversation, stillCloning } from "../../core/replies/conversations";
import type { InboxDeps } from "./inbox";
import type { MessageSource } from "../db/messages-repo";

export type EventRun = {
  /**
   * The event's own id, as a message id ([A-Za-z0-9_-], at most 80: what the VM protocol takes):
   * `github-<delivery>`, `trigger-<id>-<hash of the key>`. A repeat of it is a duplicate.
   */
  eventId: string;
  /** The conversation the run belongs to, by name. */
  conversation: string;
  /** What the agent is asked. */
  prompt: string;
  /** What started it, in a few words the user reads ("GitHub: acme/api#12 labelled agent"). */
  origin: string;
  receivedAt: number;
  publicOrigin: string;
  /** Where the user hears of it; absent: the chat they last wrote from. */
  source?: MessageSource;
};

export type EventRunOutcome =
  | { outcome: "queued" }
  | { outcome: "duplicate" }
  /** Not stored; the user was told why (the rate limit, a missing or cloning conversation), or an admin removed their access. */
  | { outcome: "refused"; reason: "rate_limited" | "no_conversation" | "cloning" | "revoked" };

const EVENT_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function startedByNotice(origin: string, conversation: string): string {
  return `▶️ ${origin}: started a run in @${conversation}.`;
}

/** Stores `event` as a message for the agent in its conversation, or says why not. */
export function receiveEvent(d: InboxDeps, event: EventRun, now: number): EventRunOutcome {
  if (!EVENT_ID.test(event.eventId)) throw new Error(`an event id must be 1-80 of [A-Za-z0-9_-]: ${event.eventId}`);
  return d.transaction(() => {
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
      const why = target ? stillCloning(target.name) : noSuchConversation(event.conversation);
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
      now,
    });
    if (!stored) return { outcome: "duplicate" };
    d.settings.set("public_origin", event.publicOrigin);
    d.outboxRepo.add({ dedupeKey: outboxKeys.eventRun(event.eventId), body: startedByNotice(event.origin, target.name), to: event.source, now });
    d.lifecycle.received(event.eventId, d.runs.open()?.id ?? null, now);
    return { outcome: "queued" };
  });
}
