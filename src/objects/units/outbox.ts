// The outbox unit: every message to the user, sent in order, each to its chat: WhatsApp's to
// Twilio, another channel's through its client (outbox-channel-send.ts). It owns its rows, the
// retry backoff and WhatsApp's 24-hour window, and tells the object when it is next due.
// The head message blocks the ones behind it until it is sent or has failed for good.
import { outboxKeys } from "../../core/outbox-keys";
import { decideOnSendFailure, isTransientDeliveryError, maxRetryGapMs, outboxRetryAt } from "../../channels/whatsapp/send-policy";
import { deliveryFailedNotice } from "../../core/notices";
import { fileNotPassedOn, NO_FILE_STORAGE, RESULT_WAITING } from "../../core/replies/media";
import { isWindowOpen, waitingTemplateVariables, WINDOW_CLOSED_ERROR } from "../../channels/whatsapp/window";
import type { MessagesRepo } from "../db/messages-repo";
import type { OutboxMedia, OutboxRepo, OutboxStatus } from "../db/outbox-repo";
import { publicOriginOf, type SettingsRepo } from "../db/settings-repo";
import type { TwilioClient } from "../../channels/whatsapp/twilio-client";
import type { QuickReplyContent } from "../../channels/whatsapp/twilio-content";
import type { Clock } from "../../core/clock";
import type { Log } from "../../core/log";
import { stepTime } from "../../core/step-time";
import type { ChannelClients } from "../../channels/clients";
import type { ChatAddress } from "../../channels/channel";
import type { StoppedChatsRepo } from "../db/stopped-chats-repo";
import type { OutboxWriter } from "../services/outbox-addressing";
import { createChannelSender } from "./outbox-channel-send";

export type DeliveryStatus = { messageSid: string; status: OutboxStatus; errorCode: string | null };

export type OutboxDeps = {
  /** The addressed outbox (outbox-addressing.ts) in the object; a bare repository writes WhatsApp rows. */
  repo: OutboxWriter;
  /** Read for where Twilio should report status (the Worker's origin). */
  settings: SettingsRepo;
  /** Read for when the user last wrote on WhatsApp (its 24-hour window), and where they last wrote (typing). */
  messages: Pick<MessagesRepo, "lastInbound" | "lastInboundAtOn">;
  twilio: TwilioClient | null;
  /** The user's E.164 number: this object's name. */
  to: string;
  /** The Worker's configured public URL; else the origin the last webhook came to. */
  publicUrl: string | null;
  /** The approved "a result is waiting" template (HX…), or null to hold silently. */
  templateSid: string | null;
  /** Quick-reply buttons through Twilio's Content API; null: buttons' text goes alone. */
  quickReply: QuickReplyContent | null;
  /** The agent's files: copied from the VM into R2, and linked for Twilio to fetch; null: none can be sent. */
  files: OutboxFiles | null;
  /** Dates what follows a send or a file's copy (each may take seconds): see stepTime. */
  clock: Clock;
  /** Draws the retries' jitter; Math.random unless a test fixes it. */
  random?: () => number;
  log: Log;
  /** The other channels' clients (Telegram); none: their rows fail as not configured. */
  channels?: ChannelClients;
  /** Chats that refused the bot; unset: none is ever stopped (a test of WhatsApp alone). */
  stops?: StoppedChatsRepo;
  /** A chat stopped taking messages: said once (to the admin, through /users, and the log). */
  chatStopped?: (to: ChatAddress, detail: string | undefined, stoppedAt: number) => void;
};

export type OutboxFiles = {
  /** `retry`: the VM did not answer; otherwise the reason is final (gone, refused, no storage). */
  copy(source: OutboxMedia["source"]): Promise<{ ok: true; stored: NonNullable<OutboxMedia["stored"]> } | { ok: false; reason: string; retry: boolean }>;
  link(stored: NonNullable<OutboxMedia["stored"]>): Promise<string | null>;
};

/** A file the VM cannot hand over for this long after the agent sent it is given up (the VM keeps it 10 min after its run). */
const FILE_COPY_GIVE_UP_MS = 15 * 60_000;

/** Callbacks remembered for sends still in flight; more than this many unknown SIDs is noise. */
const EARLY_STATUS_MAX = 100;

export function createOutbox(d: OutboxDeps) {
  const { repo, settings } = d;
  const random = d.random ?? Math.random;
  /**
   * A status callback can reach the object while the send it reports on still waits for Twilio's
   * answer, before the row knows its SID. It is kept here and applied once the SID is stored;
   * in memory is enough, as only this instance's own send can be in flight (one at a time).
   */
  const early = new Map<string, DeliveryStatus>();
  // WhatsApp's window: a linked user's message on Telegram opens nothing there.
  const lastInboundAt = () => d.messages.lastInboundAtOn("whatsapp");
  const channelSender = createChannelSender({
    repo: repo as OutboxRepo,
    stops: d.stops ?? { stop: () => true, isStopped: () => false, list: () => [] },
    clients: d.channels ?? {},
    link: d.files ? (stored) => d.files!.link(stored) : null,
    random,
    log: d.log,
    chatStopped: d.chatStopped ?? (() => {}),
  });

  /** Tells the user, with the approved template, that something waits; once per silence. */
  const announceHeld = (now: number): void => {
    if (!d.templateSid) return;
    repo.add({
      // Only WhatsApp has a window: the template goes to the object's own phone there.
      to: { channel: "whatsapp", chat: null },
      dedupeKey: outboxKeys.template(lastInboundAt()),
      body: RESULT_WAITING.body,
      contentSid: d.templateSid,
      contentVariables: waitingTemplateVariables(RESULT_WAITING.variable),
      now,
    });
  };

  /** `errorCode`: Twilio refused the send for the window (63016); null: our own clock said so first. */
  const holdOutsideWindow = (id: number, now: number, errorCode: string | null = null): void => {
    repo.hold(id, now);
    announceHeld(now);
    d.log("outbox_held", { outboxId: id, template: !!d.templateSid, errorCode });
  };

  /**
   * Applies a Twilio status callback. A message refused for the 24-hour window is held for the
   * user's next message; one failed for a transient reason is sent again after a backoff.
   * Returns whether something new is due (most callbacks only move a row forward).
   */
  function applyStatus(update: DeliveryStatus, now: number): boolean {
    const item = repo.applyStatus(update.messageSid, update.status, update.errorCode, now);
    if (!item) {
      if (early.size >= EARLY_STATUS_MAX) early.delete(early.keys().next().value!);
      early.set(update.messageSid, update);
    }
    if (!item || update.errorCode) {
      d.log("delivery_status", { sid: update.messageSid, status: update.status, errorCode: update.errorCode, known: !!item });
    }
    if (!item || item.contentSid || (update.status !== "failed" && update.status !== "undelivered")) return false;
    if (update.errorCode === WINDOW_CLOSED_ERROR) {
      if (!repo.add({ dedupeKey: outboxKeys.resend(update.messageSid), body: item.body, buttons: item.buttons, media: item.media, held: true, to: item.to, now })) return false;
      announceHeld(now);
      return true;
    }
    if (!isTransientDeliveryError(update.errorCode)) return false;
    // While the window is open, a retry comes within 10 s, so the reply follows an outage's end closely.
    const at = outboxRetryAt(item.attempts, now, undefined, { maxGapMs: maxRetryGapMs(isWindowOpen(lastInboundAt(), now)), random });
    return repo.add({ dedupeKey: outboxKeys.resend(update.messageSid), body: item.body, buttons: item.buttons, media: item.media, attempts: item.attempts, notBefore: at, to: item.to, now });
  }

  const statusCallback = (): string | null => {
    const base = publicOriginOf(settings, d);
    return base ? `${base}/twilio/status` : null;
  };

  return {
    add: repo.add,
    countHeld: repo.countHeld,

    /**
     * Copies the agent's files from the VM into R2 as soon as they are queued (not when their turn
     * comes: the VM keeps a staged file only a while after its run). A file that cannot be had is
     * failed and the user told; one the VM did not answer for is tried again on the next step.
     */
    async copyFiles(now: number): Promise<void> {
      const present = stepTime(now, d.clock);
      for (const item of repo.filesToCopy()) {
        // Not before its backoff: the object's alarm must not spin on a VM that does not answer.
        if (item.nextAttemptAt > now) continue;
        const media = item.media!;
        const copied = d.files ? await d.files.copy(media.source) : { ok: false as const, reason: NO_FILE_STORAGE, retry: false };
        const at = present();
        if (copied.ok) {
          repo.setMedia(item.id, { ...media, stored: copied.stored }, at);
          continue;
        }
        if (copied.retry && at - item.createdAt < FILE_COPY_GIVE_UP_MS) {
          repo.markRetry(item.id, outboxRetryAt(item.attempts, at, undefined, { random }), "vm_unreachable", at);
          continue;
        }
        repo.setMedia(item.id, { ...media, failed: copied.reason }, at);
        repo.markFailed(item.id, "file_unavailable", at, false);
        repo.add({ dedupeKey: outboxKeys.deliveryFailed(item.id), body: fileNotPassedOn(media.source.name, copied.reason), to: item.to, now: at });
        d.log("outbox_file_failed", { outboxId: item.id, contentType: media.source.contentType, size: media.source.size });
      }
    },

    /** Whether the user wants updates during long runs (/progress; on unless they said off). */
    wantsProgress(): boolean {
      return settings.get("progress_updates") !== "off";
    },
    /** The typing indicator in the chat the user last wrote from (WhatsApp's on that message); nothing without a client or a message. */
    async sendTyping(): Promise<void> {
      const last = d.messages.lastInbound();
      if (last?.source.channel !== "whatsapp") return channelSender.typing(last?.source ?? null);
      if (d.twilio) await d.twilio.sendTyping(last.id);
    },
    /** A progress update of run `runId` (never part of the conversation's transcript). */
    addProgress(runId: string, body: string, now: number): void {
      const range = outboxKeys.progressRange(runId);
      repo.add({ dedupeKey: outboxKeys.progress(runId, repo.countKeys(range) + 1), body, now });
    },
    /** The run answered: its updates not yet sent are stale. */
    dropUnsentProgress(runId: string): void {
      repo.dropUnsent(outboxKeys.progressRange(runId));
    },

    name: "outbox",
    /** When the head message is due, or a file to copy from the VM (each with its own backoff). */
    nextDueAt(_now?: number): number | null {
      let at = repo.head()?.nextAttemptAt ?? null;
      for (const file of repo.filesToCopy()) if (at === null || file.nextAttemptAt < at) at = file.nextAttemptAt;
      return at;
    },

    /** Copies the files that are due, then sends what is due, in order. */
    async runDue(now: number): Promise<void> {
      const present = stepTime(now, d.clock);
      await this.copyFiles(now);
      await this.sendDue(present());
    },

    /**
     * Sends what is due, in order, until the head is not due or waits for a retry. `now` is the
     * step's present (an alarm's scheduled time may be ahead of the clock); each send moves it
     * on by the time the send took.
     */
    async sendDue(now: number): Promise<void> {
      const present = stepTime(now, d.clock);
      for (;;) {
        const head = repo.head();
        const at = present();
        if (!head || head.nextAttemptAt > at) return;
        // A file waits for its copy (the object runs copyFiles before every send; a retry has its backoff).
        if (head.media && !head.media.stored) return;
        if (head.to.channel !== "whatsapp") {
          if ((await channelSender.send(head, at, present)) === "wait") return;
          continue;
        }
        if (!head.contentSid && !isWindowOpen(lastInboundAt(), at)) {
          holdOutsideWindow(head.id, at);
          continue;
        }
        if (!d.twilio) {
          repo.markFailed(head.id, "not_configured", at, false);
          d.log("outbox_failed", { outboxId: head.id, errorCode: "not_configured" });
          continue;
        }
        const mediaUrl = head.media?.stored ? await d.files?.link(head.media.stored) : undefined;
        if (head.media && !mediaUrl) {
          repo.markFailed(head.id, "file_expired", at, false);
          d.log("outbox_failed", { outboxId: head.id, errorCode: "file_expired" });
          continue;
        }
        // Buttons go through the Content API when it is there; the body alone says the same.
        const content = head.contentSid
          ? { contentSid: head.contentSid, contentVariables: head.contentVariables ?? undefined }
          : head.buttons && d.quickReply
            ? await d.quickReply.resolve(head.body, head.buttons, at)
            : null;
        // Nothing is written before the call: should the instance die before the row says how it
        // went, the next one sends it again. That is the one way to a duplicate (Twilio's API has
        // no idempotency key), and only if Twilio had accepted it.
        const result = await d.twilio.sendMessage({
          to: head.to.chat ?? d.to,
          // A file's caption may be empty: Twilio then sends the file alone.
          body: content || (mediaUrl && head.body === "") ? undefined : head.body,
          mediaUrl: mediaUrl ?? undefined,
          contentSid: content?.contentSid,
          contentVariables: content?.contentVariables,
          statusCallback: outboxKeys.isPassingNotice(head.dedupeKey) ? undefined : (statusCallback() ?? undefined),
        });
        const after = present();
        if (result.ok) {
          repo.markSent(head.id, result.sid, after);
          const arrivedFirst = early.get(result.sid);
          if (arrivedFirst) {
            early.delete(result.sid);
            applyStatus(arrivedFirst, after);
          }
          continue;
        }
        const decision = decideOnSendFailure(result, head.attempts + 1, after, { maxGapMs: maxRetryGapMs(isWindowOpen(lastInboundAt(), after)), template: !!head.contentSid, random });
        if (decision.action === "hold") {
          // Twilio saw the window closed where our clock did not: the same as its status callback.
          holdOutsideWindow(head.id, after, result.errorCode);
          continue;
        }
        if (decision.action === "fail" && content && !head.contentSid) {
          // Our quick-reply content refused (deleted by the operator, say): the prompt goes as text.
          d.quickReply?.forget(after);
          repo.markRetry(head.id, after, result.errorCode, after);
          d.log("quick_reply_refused", { outboxId: head.id, errorCode: result.errorCode });
          continue;
        }
        if (decision.action === "retry") {
          repo.markRetry(head.id, decision.at, result.errorCode, after);
          d.log("outbox_retry", { outboxId: head.id, errorCode: result.errorCode, attempt: head.attempts + 1, retryAt: decision.at });
          return;
        }
        repo.markFailed(head.id, result.errorCode, after);
        d.log("outbox_failed", { outboxId: head.id, errorCode: result.errorCode, attempt: head.attempts + 1 });
        // A reply lost to a permanent error is said, unless the lost message was that notice.
        if (decision.tellUser && !outboxKeys.isDeliveryFailedNotice(head.dedupeKey)) {
          repo.add({ dedupeKey: outboxKeys.deliveryFailed(head.id), body: deliveryFailedNotice(result.errorCode), to: head.to, now: after });
        }
      }
    },

    applyStatus,
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
