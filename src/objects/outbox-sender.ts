// Sends the outbox to Twilio in order: the head message blocks the ones behind it until it is
// sent or has failed for good, so split replies arrive in order.
import { nextRetryAt, OUTBOX_RETRY_DELAYS_MS } from "../core/backoff";
import { isWindowOpen, waitingTemplateVariables } from "../core/whatsapp-window";
import type { OutboxRepo } from "./db/outbox-repo";
import type { TwilioClient } from "./twilio-client";

/** A send cut short (eviction) is retried after this; Twilio answers well within it. */
export const SEND_LEASE_MS = 60_000;

export type OutboxSenderDeps = {
  outbox: OutboxRepo;
  twilio: TwilioClient | null;
  to: string | null;
  statusCallback: string | null;
  /** When the user last wrote: free-form messages need it within 24 h. */
  lastInboundAt: number | null;
  /** The approved "a result is waiting" template (HX…), or null to hold silently. */
  templateSid: string | null;
  now: () => number;
  log: (event: string, fields: Record<string, unknown>) => void;
};

export async function flushOutbox(d: OutboxSenderDeps): Promise<void> {
  for (;;) {
    const head = d.outbox.head();
    const now = d.now();
    if (!head || head.nextAttemptAt > now) return;
    if (!head.contentSid && !isWindowOpen(d.lastInboundAt, now)) {
      holdOutsideWindow(d, head.id, now);
      continue;
    }
    if (!d.twilio || !d.to) {
      d.outbox.markFailed(head.id, "not_configured", now);
      d.log("outbox_failed", { outboxId: head.id, errorCode: "not_configured" });
      continue;
    }
    d.outbox.claim(head.id, now + SEND_LEASE_MS, now);
    const result = await d.twilio.sendMessage({
      to: d.to,
      body: head.contentSid ? undefined : head.body,
      contentSid: head.contentSid ?? undefined,
      contentVariables: head.contentVariables ?? undefined,
      statusCallback: d.statusCallback ?? undefined,
    });
    const after = d.now();
    if (result.ok) {
      d.outbox.markSent(head.id, result.sid, after);
      continue;
    }
    const retryAt = result.retryable ? nextRetryAt(head.attempts + 1, after, OUTBOX_RETRY_DELAYS_MS) : null;
    if (retryAt === null) {
      d.outbox.markFailed(head.id, result.errorCode, after);
      d.log("outbox_failed", { outboxId: head.id, errorCode: result.errorCode, attempt: head.attempts + 1 });
      continue;
    }
    d.outbox.markRetry(head.id, retryAt, result.errorCode, after);
    d.log("outbox_retry", { outboxId: head.id, errorCode: result.errorCode, retryAt });
    return;
  }
}

type HoldDeps = Pick<OutboxSenderDeps, "outbox" | "templateSid" | "lastInboundAt" | "log">;

/** Holds a free-form message until the user writes again, and says so once. */
function holdOutsideWindow(d: HoldDeps, id: number, now: number): void {
  d.outbox.hold(id, now);
  announceHeld(d, now);
  d.log("outbox_held", { outboxId: id, template: !!d.templateSid });
}

/** Tells the user, with the approved template, that something waits; once per silence. */
export function announceHeld(d: HoldDeps, now: number): void {
  if (!d.templateSid) return;
  d.outbox.add({
    dedupeKey: `template:${d.lastInboundAt ?? 0}`,
    body: "[template] a result is waiting",
    contentSid: d.templateSid,
    contentVariables: waitingTemplateVariables("a result from your agent"),
    now,
  });
}
