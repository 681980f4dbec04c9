// A firing of an HTTP trigger, once the Worker has checked its token: the trigger's prompt (and the
// caller's text) started as an event run in its conversation, unless this key fired it already or
// the trigger is over its own rate. Everything in one transaction: a refused firing stores nothing.
import { outboxKeys } from "../outbox/outbox-keys";
import { triggerConversationGone } from "./triggers-replies";
import { decideTriggerRate, TRIGGER_RATE, triggerEventId, triggerEventPrefix, triggerOrigin, triggerPrompt } from "./triggers";
import { type EventRunDeps, receiveEvent } from "../runs/event-runs";
import type { EventRunOutcome } from "../runs/event-run";
import type { TriggersRepo } from "./triggers-repo";

export type TriggerFiring = {
  triggerId: string;
  /** The caller's `{"text": …}`, appended to the prompt. */
  text?: string;
  /** SHA-256 (hex) of the Idempotency-Key, or of a fresh random one when the caller sent none. */
  keyDigest: string;
  receivedAt: number;
  publicOrigin: string;
};

export type TriggerFireOutcome =
  | EventRunOutcome
  /** No such trigger here (removed): the Worker answers as for a wrong token. */
  | { outcome: "unknown" }
  | { outcome: "refused"; reason: "trigger_rate_limited"; retryAfterSeconds: number };

/** `d`: the inbox's deps (agent/inbox.ts), of which a firing needs the event run's and the triggers. */
export function fireTrigger(d: EventRunDeps & { triggers: TriggersRepo }, f: TriggerFiring, now: number): TriggerFireOutcome {
  return d.transaction((): TriggerFireOutcome => {
    const trigger = d.triggers.get(f.triggerId);
    if (!trigger) return { outcome: "unknown" };
    const eventId = triggerEventId(trigger.id, f.keyDigest);
    // A repeated key is a duplicate whatever the rate: the caller's retry learns it was taken.
    if (d.messages.get(eventId)) return { outcome: "duplicate" };
    const rate = decideTriggerRate(d.triggers.firedSince(triggerEventPrefix(trigger.id), now - TRIGGER_RATE.windowMs, TRIGGER_RATE.limit), now);
    if (rate.action === "refuse") return { outcome: "refused", reason: "trigger_rate_limited", retryAfterSeconds: rate.retryAfterSeconds };
    const origin = triggerOrigin(trigger.name);
    const conversation = d.conversations.repo.get(trigger.conversationId);
    if (!conversation) {
      d.outboxRepo.add({ dedupeKey: outboxKeys.eventRun(eventId), body: triggerConversationGone(origin, trigger.name), now });
      return { outcome: "refused", reason: "no_conversation" };
    }
    const prompt = triggerPrompt(trigger.prompt, f.text, trigger.name);
    // Whoever holds the token fires it: the run asks before every action (repo null: no /github trust reaches it).
    const outcome = receiveEvent(d, { eventId, conversation: conversation.name, prompt, origin, label: origin, repo: null, receivedAt: f.receivedAt, publicOrigin: f.publicOrigin }, now);
    if (outcome.outcome === "queued") d.triggers.fired(trigger.id, now);
    return outcome;
  });
}
