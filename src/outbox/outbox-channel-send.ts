// The outbox's head sent through its channel's client, the same path for every channel: held
// outside the channel's reply window (the user told once, by the approved template, that a result
// waits), the chat's pace, an edit in place of a later progress update where the channel edits,
// a file by our signed link, and each failure as the channel's policy decides.
import { CHANNELS } from "../channels";
import type { ChannelFailure, ChatAddress, Outbound } from "../channels/channel";
import { type ChannelClients, defaultChatOf } from "../channels/clients";
import { chatPaceAt, isReplyWindowOpen } from "../channels/send-timing";
import { deliveryFailedNotice } from "../messages/notices";
import { outboxKeys } from "./outbox-keys";
import { outboxRetryAt } from "../channels/send-retry";
import { RESULT_WAITING } from "../media/media-replies";
import type { Log } from "../shared/log";
import type { MessagesRepo } from "../messages/messages-repo";
import type { OutboxRepo, OutboxTarget } from "./outbox-repo";
import type { StoppedChatsRepo } from "./stopped-chats-repo";

type Head = NonNullable<ReturnType<OutboxRepo["head"]>>;

export type ChannelSendDeps = {
  repo: OutboxRepo;
  /** Read for when the user last wrote on a channel (its reply window). */
  messages: Pick<MessagesRepo, "lastInboundAtOn">;
  /** The object's user (its name): a message addressed to no chat goes to their home chat. */
  user: string;
  stops: StoppedChatsRepo;
  clients: ChannelClients;
  /** A signed link to a stored file (null: it expired). */
  link: ((stored: NonNullable<NonNullable<Head["media"]>["stored"]>) => Promise<string | null>) | null;
  random: () => number;
  log: Log;
  /** Told once per stop when a chat stops taking messages (an admin is told, and reads it in /users). */
  chatStopped: (to: ChatAddress, detail: string | undefined, stoppedAt: number) => void;
  /** A message was taken by its channel under `ref` (a delivery report may have come first). */
  sent: (ref: string | null, at: number) => void;
};

/** `next`: the head moved on (sent, failed, held); `wait`: the head waits for its time (set on the row). */
export type SendStep = "next" | "wait";

/**
 * How far before a send's recorded start the channel's record is read: Twilio dates a message by
 * its own clock, which may run behind ours by this much. Messages it holds that another row sent
 * are never taken for this one (their sids are known).
 */
export const LOOKUP_CLOCK_SKEW_MS = 60_000;
/**
 * A send in flight whose lookup keeps failing is looked up again with the send's backoff for this
 * long after it started; then it is sent again unchecked (at least once: a reply may come twice
 * rather than never), and the log says so (`outbox_resent_unverified`).
 */
export const LOOKUP_GIVE_UP_MS = 15 * 60_000;

export function createChannelSender(d: ChannelSendDeps) {
  /** When each chat was last written to by this instance: its pace (a new instance starts afresh). */
  const lastSentAt = new Map<string, number>();

  /** Whether a free-form message to `channel` may go at `now` (always, on a channel without a window). */
  const windowOpen = (channel: OutboxTarget["channel"], now: number): boolean =>
    isReplyWindowOpen(CHANNELS[channel].limits, d.messages.lastInboundAtOn(channel), now);

  /** Context of a failure for the channel's policy: the window, on a channel that has one. */
  const failureContext = (head: Pick<Head, "to" | "contentSid">, now: number) =>
    CHANNELS[head.to.channel].limits.replyWindowMs === null ? { template: !!head.contentSid } : { template: !!head.contentSid, windowOpen: windowOpen(head.to.channel, now) };

  /** Tells the user, with the channel's approved template, that something waits there; once per silence. */
  const announceHeld = (to: OutboxTarget, now: number): void => {
    const template = d.clients[to.channel]?.resultWaiting?.(RESULT_WAITING.variable);
    if (!template) return;
    d.repo.add({
      to,
      dedupeKey: outboxKeys.template(d.messages.lastInboundAtOn(to.channel)),
      body: RESULT_WAITING.body,
      contentSid: template.id,
      contentVariables: template.variables ?? undefined,
      now,
    });
  };

  /** `errorCode`: the channel refused the send for its window; null: our own clock said so first. */
  const hold = (head: Head, now: number, errorCode: string | null = null): SendStep => {
    d.repo.hold(head.id, now);
    announceHeld(head.to, now);
    d.log("outbox_held", { outboxId: head.id, channel: head.to.channel, template: !!d.clients[head.to.channel]?.resultWaiting, errorCode });
    return "next";
  };

  const fail = (head: Head, errorCode: string, at: number, counted: boolean): SendStep => {
    d.repo.markFailed(head.id, errorCode, at, counted);
    d.log("outbox_failed", { outboxId: head.id, channel: head.to.channel, errorCode, attempt: head.attempts + (counted ? 1 : 0) });
    return "next";
  };

  /** What the head is on the channel: a file, an edit of the run's first progress update, a template, or text. */
  async function outboundOf(head: Head, to: ChatAddress): Promise<Outbound | null> {
    // A passing notice is stale within minutes: its delivery is not worth a report. A report names its row.
    const receipts = outboxKeys.isPassingNotice(head.dedupeKey) ? undefined : head.id;
    const media = head.media;
    if (media?.stored) {
      const url = await d.link?.(media.stored);
      if (!url) return null;
      return { kind: "file", to, file: { url, name: media.source.name, contentType: media.stored.contentType, size: media.source.size, keepSharp: media.keepSharp }, caption: head.body, receipts };
    }
    const first = CHANNELS[to.channel].limits.canEdit ? outboxKeys.firstProgressOf(head.dedupeKey) : null;
    const ref = first ? d.repo.sentRefOf(first) : null;
    if (ref) return { kind: "edit", to, messageRef: ref, part: head.body };
    const template = head.contentSid ? { id: head.contentSid, variables: head.contentVariables } : undefined;
    return { kind: "text", to, part: head.body, buttons: head.buttons ?? undefined, template, receipts };
  }

  /** Sends the head (due at `at`); `present` dates what follows the call. */
  async function send(head: Head, at: number, present: () => number): Promise<SendStep> {
    if (head.inFlightSince !== null) {
      const settled = await settleInFlight({ ...head, inFlightSince: head.inFlightSince }, at, present);
      if (settled !== "send") return settled;
      at = present();
    }
    const channel = head.to.channel;
    // Outside the channel's window only a template goes: the rest waits for the user to write.
    if (!head.contentSid && !windowOpen(channel, at)) return hold(head, at);
    const client = d.clients[channel];
    if (!client) return fail(head, "not_configured", at, false);
    const chat = head.to.chat ?? defaultChatOf(d.user, channel);
    if (chat === null) return fail(head, "no_chat", at, false);
    const to: ChatAddress = { channel, chat };
    if (d.stops.isStopped(head.to)) return fail(head, "chat_stopped", at, false);
    const key = `${channel}:${chat}`;
    // A channel that paces itself (minGapMs 0) is not paced here: an alarm's step may run ahead of
    // the clock, and a later step must not wait for that step's time.
    const minGapMs = CHANNELS[channel].limits.minGapMs;
    const paceAt = minGapMs > 0 ? chatPaceAt(lastSentAt.get(key) ?? null, at, minGapMs) : at;
    if (paceAt > at) {
      d.repo.defer(head.id, paceAt, at);
      return "wait";
    }
    const outbound = await outboundOf(head, to);
    if (!outbound) return fail(head, "file_expired", at, false);
    // The one write before the call (a row already in flight keeps its first start): should the
    // instance die, or the answer be lost, before the row says how it went, the next attempt finds
    // the row in flight and looks in the channel's record before sending it again.
    if (head.inFlightSince === null) d.repo.markInFlight(head.id, at);
    let result = await client.send(outbound);
    // The message an update rewrites is gone (the user deleted it): the update goes as a new one.
    if (!result.ok && outbound.kind === "edit" && !result.retryable && !result.chatGone) result = await client.send({ kind: "text", to, part: head.body });
    const after = present();
    lastSentAt.set(key, after);
    if (result.ok) return sent(head, result.ref, after);
    return failed(head, to, result, after);
  }

  function sent(head: Head, ref: string | null, at: number): SendStep {
    d.repo.markSent(head.id, ref, at);
    d.sent(ref, at);
    return "next";
  }

  /**
   * A head found in flight: an earlier attempt may have reached the channel. Looked up in the
   * channel's own record (sent: settled as sent, with its id); `send` when it is not there, or when
   * the channel keeps no record (Telegram: a reply goes again, a passing notice is given up).
   */
  async function settleInFlight(head: Head & { inFlightSince: number }, at: number, present: () => number): Promise<SendStep | "send"> {
    const client = d.clients[head.to.channel];
    const chat = head.to.chat ?? defaultChatOf(d.user, head.to.channel);
    // Nothing to look with: the ordinary path fails it for what is missing.
    if (!client || chat === null) return "send";
    const to: ChatAddress = { channel: head.to.channel, chat };
    if (!client.findSent) {
      if (outboxKeys.isPassingNotice(head.dedupeKey)) {
        // At most once: a notice that may have gone is stale by now; twice would be noise.
        d.log("outbox_in_flight_given_up", { outboxId: head.id, channel: to.channel });
        return sent(head, null, at);
      }
      d.log("outbox_resent_unverified", { outboxId: head.id, channel: to.channel, reason: "no_record" });
      return "send";
    }
    const outbound = await outboundOf(head, to);
    if (!outbound) return "send";
    const found = await client.findSent(outbound, head.inFlightSince - LOOKUP_CLOCK_SKEW_MS);
    const after = present();
    if (!found.ok) {
      if (after - head.inFlightSince >= LOOKUP_GIVE_UP_MS) {
        d.log("outbox_resent_unverified", { outboxId: head.id, channel: to.channel, reason: "lookup_failed", errorCode: found.errorCode });
        return "send";
      }
      // Fail closed: not sent blindly while the record may still say it went.
      const retryAt = lookupRetryAt(head, found.errorCode, after);
      d.repo.markRetry(head.id, retryAt, `lookup_${found.errorCode}`, after, true);
      d.log("outbox_lookup_failed", { outboxId: head.id, channel: to.channel, errorCode: found.errorCode, retryAt });
      return "wait";
    }
    // A message another row sent with the same text is that row's, never this one's.
    const ref = found.refs.find((r) => d.repo.keyOfSent(to.channel, r) === null);
    if (ref === undefined) {
      d.log("outbox_in_flight_not_taken", { outboxId: head.id, channel: to.channel });
      return "send";
    }
    d.log("outbox_in_flight_found", { outboxId: head.id, channel: to.channel, ref });
    return sent(head, ref, after);
  }

  /**
   * When a failed lookup (or a send with no answer the channel's policy would not retry) is tried
   * again: as a transient send failure would be (seconds while the chat's window is open).
   */
  const lookupRetryAt = (head: Head, errorCode: string, at: number): number => {
    const decision = CHANNELS[head.to.channel].decideOnFailure({ errorCode, retryable: true, chatGone: false }, head.attempts + 1, at, d.random, failureContext(head, at));
    return decision.action === "retry" ? decision.at : outboxRetryAt(head.attempts + 1, at, undefined, { random: d.random });
  };

  function failed(head: Head, to: ChatAddress, failure: ChannelFailure, at: number): SendStep {
    const spec = CHANNELS[to.channel];
    const decision = spec.decideOnFailure(failure, head.attempts + 1, at, d.random, failureContext(head, at));
    // No answer, and the channel would have it held or given up: it stays in flight and is looked up first.
    if (failure.maybeTaken && decision.action !== "retry") {
      d.repo.markRetry(head.id, lookupRetryAt(head, failure.errorCode, at), failure.errorCode, at, true);
      return "wait";
    }
    switch (decision.action) {
      case "retry":
        d.repo.markRetry(head.id, decision.at, failure.errorCode, at, failure.maybeTaken === true);
        d.log("outbox_retry", { outboxId: head.id, channel: to.channel, errorCode: failure.errorCode, attempt: head.attempts + 1, retryAt: decision.at });
        return "wait";
      case "stop_chat": {
        d.repo.markFailed(head.id, failure.errorCode, at);
        const dropped = d.repo.failPendingTo(head.to, "chat_stopped", at);
        if (d.stops.stop(head.to, at, failure.detail ?? null)) d.chatStopped(to, failure.detail, at);
        d.log("chat_stopped", { outboxId: head.id, channel: to.channel, errorCode: failure.errorCode, dropped });
        return "next";
      }
      case "hold":
        // The channel saw its window closed where our clock did not: held as by its delivery report.
        if (spec.limits.replyWindowMs !== null) return hold(head, at, failure.errorCode);
        // No window on this channel: a hold would wait for nothing, so it is a failure like any other.
        return fail(head, failure.errorCode, at, true);
      case "fail":
        fail(head, failure.errorCode, at, true);
        // A reply lost to a permanent error is said, unless the lost message was that notice.
        if (decision.tellUser && !outboxKeys.isDeliveryFailedNotice(head.dedupeKey)) {
          d.repo.add({ dedupeKey: outboxKeys.deliveryFailed(head.id), body: deliveryFailedNotice(failure.errorCode, spec.serviceName), to: head.to, now: at });
        }
        return "next";
    }
  }

  /** The typing indicator in `to`, on the user's message `replyTo`; best effort (no client, or no chat: nothing). */
  async function typing(to: OutboxTarget | null, replyTo: string | null): Promise<void> {
    const chat = to ? (to.chat ?? defaultChatOf(d.user, to.channel)) : null;
    if (!to || chat === null) return;
    await d.clients[to.channel]?.send({ kind: "typing", to: { channel: to.channel, chat }, replyTo });
  }

  return { send, typing, windowOpen, failureContext, announceHeld };
}
