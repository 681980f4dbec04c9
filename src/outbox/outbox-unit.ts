// The outbox unit: every message to the user, sent in order, each to its chat through its
// channel's client (outbox-channel-send.ts). It owns its rows, the retry backoff and the delivery
// reports a channel sends later, and tells the object when it is next due.
// The head message blocks the ones behind it until it is sent or has failed for good.
import { outboxKeys } from "./outbox-keys";
import { CHANNELS } from "../channels";
import { fileNotPassedOn, NO_FILE_STORAGE } from "../media/media-replies";
import { outboxRetryAt } from "../channels/send-retry";
import type { MessagesRepo } from "../messages/messages-repo";
import type { OutboxMedia, OutboxRepo, OutboxStatus, OutboxTarget } from "./outbox-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { stepTime } from "../shared/step-time";
import type { ChannelClients } from "../channels/clients";
import type { ChatAddress } from "../channels/channel";
import type { StoppedChatsRepo } from "./stopped-chats-repo";
import type { OutboxWriter } from "./outbox-addressing";
import { createChannelSender } from "./outbox-channel-send";
import type { VoiceNoteMaker } from "../media/voice-reply";
import { voiceReplyFailedNotice } from "../media/media-replies";

/**
 * A channel's delivery report. `outboxId`: the row it names (the callback URL we gave carries it);
 * unset for a message sent before callbacks named their row, found by its sid instead.
 */
export type DeliveryStatus = { messageSid: string; status: OutboxStatus; errorCode: string | null; outboxId?: number };

export type OutboxDeps = {
  /** The addressed outbox (outbox-addressing.ts) in the object; a bare repository writes to the home chat. */
  repo: OutboxWriter;
  /** Read for the user's wishes (/progress). */
  settings: SettingsRepo;
  /** Read for when the user last wrote on a channel (its reply window), and where they last wrote (typing). */
  messages: Pick<MessagesRepo, "lastInbound" | "lastInboundAtOn">;
  /** The object's user (its name: a phone, or `tg-<id>`): a message addressed to no chat goes to their home chat. */
  user: string;
  /** The agent's files: copied from the VM into R2, and linked for the channel to fetch; null: none can be sent. */
  files: OutboxFiles | null;
  /** Dates what follows a send or a file's copy (each may take seconds): see stepTime. */
  clock: Clock;
  /** Draws the retries' jitter; Math.random unless a test fixes it. */
  random?: () => number;
  log: Log;
  /** Each configured channel's client (channelClientsFor); a channel without one: its rows fail as not configured. */
  channels: ChannelClients;
  /**
   * The replies' voice notes: made by the speech model when their turn to be copied comes, and
   * `spoken` counts what each cost (its characters). Unset or null maker: a voice row fails, told once.
   */
  voice?: { maker: VoiceNoteMaker | null; spoken(text: string, conversationId: number, now: number): void };
  /** Chats that refused the bot; unset: none is ever stopped. */
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

/** Delivery reports remembered for sends still in flight; more than this many unknown ids is noise. */
const EARLY_STATUS_MAX = 100;

export function createOutbox(d: OutboxDeps) {
  const { repo, settings } = d;
  const random = d.random ?? Math.random;
  /**
   * A report naming no row can reach the object while the send it reports on still waits for the
   * channel's answer, before the row knows its id. It is kept here and applied once the id is
   * stored; in memory is enough, as only this instance's own send can be in flight (one at a time).
   * A report naming its row settles that row itself (repo.applyStatusOf).
   */
  const early = new Map<string, DeliveryStatus>();
  const channelSender = createChannelSender({
    repo: repo as OutboxRepo,
    messages: d.messages,
    user: d.user,
    stops: d.stops ?? { stop: () => true, isStopped: () => false, list: () => [] },
    clients: d.channels,
    link: d.files ? (stored) => d.files!.link(stored) : null,
    random,
    log: d.log,
    chatStopped: d.chatStopped ?? (() => {}),
    sent: (ref, at) => {
      const arrivedFirst = ref === null ? undefined : early.get(ref);
      if (!arrivedFirst) return;
      early.delete(ref!);
      applyStatus(arrivedFirst, at);
    },
  });

  /**
   * Applies a channel's delivery report. A message refused for the channel's reply window is held
   * for the user's next message; one failed for a transient reason is sent again after a backoff.
   * Returns whether something new is due (most reports only move a row forward; one that settles a
   * row in flight lets the messages behind it go).
   */
  function applyStatus(update: DeliveryStatus, now: number): boolean {
    const named = update.outboxId !== undefined;
    const found = named
      ? repo.applyStatusOf(update.outboxId!, update.messageSid, update.status, update.errorCode, now)
      : { item: repo.applyStatus(update.messageSid, update.status, update.errorCode, now), settled: false };
    const item = found?.item ?? null;
    const settled = found?.settled === true;
    if (!item && !named) {
      if (early.size >= EARLY_STATUS_MAX) early.delete(early.keys().next().value!);
      early.set(update.messageSid, update);
    }
    if (!item || update.errorCode) {
      d.log("delivery_status", { sid: update.messageSid, outboxId: update.outboxId ?? null, status: update.status, errorCode: update.errorCode, known: !!item });
    }
    if (!item || item.contentSid || (update.status !== "failed" && update.status !== "undelivered")) return settled;
    const spec = CHANNELS[item.to.channel];
    const errorCode = update.errorCode ?? "";
    const failure = { errorCode, retryable: errorCode !== "" && (spec.isTransientDeliveryFailure?.(errorCode) ?? false), chatGone: false };
    // While the window is open, a retry comes within seconds, so the reply follows an outage's end closely.
    const decision = spec.decideOnFailure(failure, item.attempts, now, random, channelSender.failureContext(item, now));
    const resend = { dedupeKey: outboxKeys.resend(update.messageSid), body: item.body, buttons: item.buttons, media: item.media, to: item.to, now };
    if (decision.action === "hold" && spec.limits.replyWindowMs !== null) {
      if (!repo.add({ ...resend, held: true })) return settled;
      channelSender.announceHeld(item.to, now);
      return true;
    }
    if (decision.action !== "retry") return settled;
    return repo.add({ ...resend, attempts: item.attempts, notBefore: decision.at }) || settled;
  }

  /**
   * A reply's voice note: spoken once and stored, so a retried send sends the same note. A failed
   * call leaves the text alone, and the user is told once until a note is spoken again.
   */
  async function speakInto(id: number, media: OutboxMedia, speak: NonNullable<OutboxMedia["speak"]>, to: OutboxTarget, present: () => number): Promise<void> {
    const made = d.voice?.maker ? await d.voice.maker.make(speak.text) : { ok: false as const, reason: "no speech model is configured" };
    const at = present();
    if (made.ok) {
      repo.setMedia(id, { ...media, source: { ...media.source, size: made.size }, stored: made.stored }, at);
      d.voice?.spoken(speak.text, speak.conversationId, at);
      settings.set("voice_reply_failed_told", null);
      return;
    }
    repo.setMedia(id, { ...media, failed: made.reason }, at);
    repo.markFailed(id, "speech_failed", at, false);
    d.log("voice_reply_failed", { outboxId: id, reason: made.reason, chars: speak.text.length });
    if (settings.get("voice_reply_failed_told") !== null) return;
    settings.set("voice_reply_failed_told", at);
    repo.add({ dedupeKey: outboxKeys.voiceReplyFailed(id), body: voiceReplyFailedNotice(made.reason), to, now: at });
  }

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
        if (media.speak) {
          await speakInto(item.id, media, media.speak, item.to, present);
          continue;
        }
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
    /** The typing indicator in the chat the user last wrote from, on that message; nothing without a client or a message. */
    async sendTyping(): Promise<void> {
      const last = d.messages.lastInbound();
      await channelSender.typing(last?.source ?? null, last?.id ?? null);
    },
    /** A progress update of run `runId` (never part of the conversation's transcript). */
    addProgress(runId: string, body: string, now: number): void {
      const range = outboxKeys.progressRange(runId);
      repo.add({ dedupeKey: outboxKeys.progress(runId, repo.countKeys(range) + 1), body, now });
    },
    /** How many updates of the run were written (sent or not). */
    progressOf(runId: string): number {
      return repo.countKeys(outboxKeys.progressRange(runId));
    },
    /** The run answered: its updates not yet sent are stale. */
    dropUnsentProgress(runId: string): void {
      repo.dropUnsent(outboxKeys.progressRange(runId));
    },

    name: "outbox",
    /**
     * When the head message is due, or a file to copy from the VM (each with its own backoff): kept
     * in due_times by the repository as it writes the outbox.
     */
    nextDueAt: (_now?: number): number | null => repo.nextDueAt(),

    /** Copies the files that are due, then sends what is due, in order. */
    async runDue(now: number): Promise<void> {
      const present = stepTime(now, d.clock);
      // A voice note takes the speech model a few seconds: the reply's text, ahead of it, goes first.
      if (repo.filesToCopy().some((item) => item.media?.speak)) await this.sendDue(now);
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
        if ((await channelSender.send(head, at, present)) === "wait") return;
      }
    },

    applyStatus,
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
