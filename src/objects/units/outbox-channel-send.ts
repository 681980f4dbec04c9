// The outbox's head sent through a channel client (every channel but WhatsApp, whose Twilio path is
// the outbox's own): the chat's pace, an edit in place of a later progress update where the
// channel edits, a file by our signed link, and each failure as the channel's policy decides.
import { CHANNELS } from "../../channels";
import type { ChannelClient, ChannelFailure, ChatAddress, Outbound } from "../../channels/channel";
import type { ChannelClients } from "../../channels/clients";
import { chatPaceAt } from "../../channels/telegram/send-policy";
import { deliveryFailedNotice } from "../../core/notices";
import { outboxKeys } from "../../core/outbox-keys";
import type { Log } from "../../core/log";
import type { OutboxRepo } from "../db/outbox-repo";
import type { StoppedChatsRepo } from "../db/stopped-chats-repo";

type Head = NonNullable<ReturnType<OutboxRepo["head"]>>;

export type ChannelSendDeps = {
  repo: OutboxRepo;
  stops: StoppedChatsRepo;
  clients: ChannelClients;
  /** A signed link to a stored file (null: it expired). */
  link: ((stored: NonNullable<NonNullable<Head["media"]>["stored"]>) => Promise<string | null>) | null;
  random: () => number;
  log: Log;
  /** Told once per stop when a chat stops taking messages (an admin is told, and reads it in /users). */
  chatStopped: (to: ChatAddress, detail: string | undefined, stoppedAt: number) => void;
};

/** `next`: the head moved on (sent, failed); `wait`: the head waits for its time (set on the row). */
export type SendStep = "next" | "wait";

export function createChannelSender(d: ChannelSendDeps) {
  /** When each chat was last written to by this instance: its pace (a new instance starts afresh). */
  const lastSentAt = new Map<string, number>();

  const fail = (head: Head, errorCode: string, at: number, counted: boolean): SendStep => {
    d.repo.markFailed(head.id, errorCode, at, counted);
    d.log("outbox_failed", { outboxId: head.id, channel: head.to.channel, errorCode });
    return "next";
  };

  /** What the head is on the channel: a file, an edit of the run's first progress update, or text. */
  async function outboundOf(head: Head, to: ChatAddress): Promise<Outbound | null> {
    const media = head.media;
    if (media?.stored) {
      const url = await d.link?.(media.stored);
      if (!url) return null;
      return { kind: "file", to, file: { url, name: media.source.name, contentType: media.stored.contentType, size: media.source.size, keepSharp: media.keepSharp }, caption: head.body };
    }
    const first = CHANNELS[to.channel].limits.canEdit ? outboxKeys.firstProgressOf(head.dedupeKey) : null;
    const ref = first ? d.repo.sentRefOf(first) : null;
    if (ref) return { kind: "edit", to, messageRef: ref, part: head.body };
    return { kind: "text", to, part: head.body, buttons: head.buttons ?? undefined };
  }

  /** Sends the head (due at `at`); `present` dates what follows the call. */
  async function send(head: Head, at: number, present: () => number): Promise<SendStep> {
    const channel = head.to.channel;
    if (channel === "whatsapp") throw new Error("WhatsApp's rows go through Twilio");
    const client: ChannelClient | undefined = d.clients[channel];
    if (!client) return fail(head, "not_configured", at, false);
    if (head.to.chat === null) return fail(head, "no_chat", at, false);
    const to: ChatAddress = { channel, chat: head.to.chat };
    if (d.stops.isStopped(head.to)) return fail(head, "chat_stopped", at, false);
    const spec = CHANNELS[channel];
    const key = `${channel}:${to.chat}`;
    const paceAt = chatPaceAt(lastSentAt.get(key) ?? null, at, spec.limits.minGapMs);
    if (paceAt > at) {
      d.repo.defer(head.id, paceAt, at);
      return "wait";
    }
    const outbound = await outboundOf(head, to);
    if (!outbound) return fail(head, "file_expired", at, false);
    let result = await client.send(outbound);
    // The message an update rewrites is gone (the user deleted it): the update goes as a new one.
    if (!result.ok && outbound.kind === "edit" && !result.retryable && !result.chatGone) result = await client.send({ kind: "text", to, part: head.body });
    const after = present();
    lastSentAt.set(key, after);
    if (result.ok) {
      d.repo.markSentRef(head.id, result.ref, after);
      return "next";
    }
    return failed(head, to, result, after);
  }

  function failed(head: Head, to: ChatAddress, failure: ChannelFailure, at: number): SendStep {
    const decision = CHANNELS[to.channel].decideOnFailure(failure, head.attempts + 1, at, d.random);
    switch (decision.action) {
      case "retry":
        d.repo.markRetry(head.id, decision.at, failure.errorCode, at);
        d.log("outbox_retry", { outboxId: head.id, channel: to.channel, errorCode: failure.errorCode, attempt: head.attempts + 1, retryAt: decision.at });
        return "wait";
      case "stop_chat": {
        d.repo.markFailed(head.id, failure.errorCode, at);
        const dropped = d.repo.failPendingTo(head.to, "chat_stopped", at);
        if (d.stops.stop(head.to, at, failure.detail ?? null)) d.chatStopped(to, failure.detail, at);
        d.log("chat_stopped", { outboxId: head.id, channel: to.channel, errorCode: failure.errorCode, dropped });
        return "next";
      }
      // No window on this channel: a hold would wait for nothing, so it is a failure like any other.
      case "hold":
      case "fail":
        fail(head, failure.errorCode, at, true);
        if (decision.action === "fail" && decision.tellUser && !outboxKeys.isDeliveryFailedNotice(head.dedupeKey)) {
          d.repo.add({ dedupeKey: outboxKeys.deliveryFailed(head.id), body: deliveryFailedNotice(failure.errorCode), to: head.to, now: at });
        }
        return "next";
    }
  }

  /** The typing indicator in `to`, best effort (a channel without a client, or no chat: nothing). */
  async function typing(to: Head["to"] | null): Promise<void> {
    if (!to || to.channel === "whatsapp" || to.chat === null) return;
    await d.clients[to.channel]?.send({ kind: "typing", to: { channel: to.channel, chat: to.chat }, replyTo: null });
  }

  return { send, typing };
}
