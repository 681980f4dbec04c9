// The inbound media unit: the attachments of queued messages, fetched from the channel each was
// written on into R2 after the webhook has its answer (a 100 MB document must never hold a
// webhook's deadline), before the message can run. It owns the attachments' state inside
// `messages.media_json`; a message runs only once every attachment is stored or has failed
// (`mediaSettled`). Voice notes are transcribed, and the user hears what was heard. Every failure
// is one line to the user; the rest of the message still goes.
import { voiceEchoLine, NO_TRANSCRIBER_NOTICE, spokenAnswer, spokenAnswerEcho } from "./voice-note";
import { attachmentFailedLine, NO_MEDIA_STORAGE } from "./media-replies";
import type { Media, MessagesRepo, QueuedMessage } from "../messages/messages-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { Transaction } from "../shared/sql";
import { mediaSinkOf, type MediaStore } from "./media-store";
import type { MediaFetchers } from "../channels/media-fetcher";
import type { Clock } from "../shared/clock";
import type { Log } from "../shared/log";
import { stepTime } from "../shared/step-time";
import type { Messages } from "../messages/messages";
import type { Unit } from "../shared/unit";
import type { Transcriber } from "./transcriber";

type MediaInboxDeps = {
  messages: Pick<MessagesRepo, "withUnsettledMedia" | "setMedia">;
  lifecycle: Pick<Messages, "answeredByRelay">;
  /** The outbox (outbox/outbox-repo.ts): a line queued once by its key. */
  outbox: { add(line: { dedupeKey: string; body: string; now: number }): unknown };
  /** The outbox's keys for what this unit tells (outbox/outbox-keys.ts, where every key is built): one per message and attachment. */
  keys: { voiceEcho(messageId: string, index: number): string; mediaFailed(messageId: string, index: number): string };
  settings: SettingsRepo;
  transaction: Transaction;
  /** R2 and the signing keys, where attachments are stored (and audio read back to be heard); null when media cannot be stored here (no MEDIA binding or no secret). */
  store: (() => Promise<MediaStore>) | null;
  /** Each channel's way of fetching its attachments into the store; a channel without one (no credentials) stores none. */
  fetchers: MediaFetchers;
  transcriber: Transcriber | null;
  /**
   * A voice note that was only "yes", "no", "yes all" or "stop", handed on as the words the user
   * would have typed (the inbox answers it as it answers them). Unset: it goes to the agent.
   */
  typed?: (message: QueuedMessage, words: string, now: number) => void;
  /** The user: the owner of what is stored (only ever as a keyed hash). */
  owner: string;
  /** Dates each message's attachments once fetched (a large one takes minutes): see stepTime. */
  clock: Clock;
  log: Log;
};

export function createMediaInbox(d: MediaInboxDeps) {
  const tell = (dedupeKey: string, body: string, now: number) => d.outbox.add({ dedupeKey, body, now });

  /** One attachment: stored (and heard, for audio) or failed with a reason. Each message's files come from the channel it was written on, by the `url` that channel gave (its `ref`). */
  const settleOne = async (store: MediaStore | null, message: QueuedMessage, media: Media, index: number): Promise<Media> => {
    const fetcher = d.fetchers[message.source.channel];
    if (!store || !fetcher) return { ...media, failed: NO_MEDIA_STORAGE };
    const result = await fetcher(mediaSinkOf(store), { ref: media.url, declaredType: media.contentType, owner: d.owner });
    if (!result.ok) return { ...media, failed: result.reason };
    const { key, contentType, kind, ext, size, createdAt } = result;
    const settled: Media = { ...media, stored: { key, contentType, kind, ext, size, createdAt } };
    if (kind !== "audio" || !d.transcriber) return settled;
    const object = await store.bucket.get(key);
    const heard = object ? await d.transcriber.transcribe(new Uint8Array(await object.arrayBuffer())) : { ok: false as const, reason: "the stored audio is gone" };
    if (!heard.ok) {
      d.log("voice_not_transcribed", { messageId: message.id, attachment: index, reason: heard.reason });
      return settled;
    }
    return { ...settled, transcript: { text: heard.text, durationSec: heard.durationSec } };
  };

  return {
    name: "media",
    /**
     * Due while a queued message still misses an attachment: nothing of it may run before. Not kept
     * in due_times: it follows the messages' statuses, which the message lifecycle moves from many
     * places (handed, dropped, stopped), and a stored copy would be one more thing each must write.
     */
    nextDueAt: (now: number): number | null => (d.messages.withUnsettledMedia().length > 0 ? now : null),
    runDue: (now: number): Promise<number> => settlePending(now),
  } satisfies Unit;

  /** Fetches what queued messages still miss; returns how many messages became ready. */
  async function settlePending(now: number): Promise<number> {
      const waiting = d.messages.withUnsettledMedia();
      if (waiting.length === 0) return 0;
      const present = stepTime(now, d.clock);
      // The store is opened only when some waiting message has a channel to fetch it from.
      const store = d.store && waiting.some((m) => d.fetchers[m.source.channel]) ? await d.store() : null;
      for (const message of waiting) {
        const media = await Promise.all(message.media.map((m, i) => (m.stored || m.failed ? m : settleOne(store, message, m, i))));
        const at = present();
        // Only a voice note with no words beside it can be an answer.
        const heard = message.body.trim() === "" && media.length === 1 ? media[0]!.transcript : undefined;
        const answer = d.typed && heard ? spokenAnswer(heard.text) : null;
        d.transaction(() => {
          d.messages.setMedia(message.id, media, at);
          if (answer && heard) {
            tell(d.keys.voiceEcho(message.id, 0), spokenAnswerEcho(heard.text, answer), at);
            d.lifecycle.answeredByRelay(message.id, at);
            return;
          }
          media.forEach((m, i) => {
            if (m.failed) {
              const restWent = message.body.trim() !== "" || media.some((x) => x.stored);
              tell(d.keys.mediaFailed(message.id, i), attachmentFailedLine({ index: i, count: media.length, contentType: m.contentType, reason: m.failed, restWent }), at);
            }
            else if (m.transcript && d.settings.get("voice_echo") !== "off") tell(d.keys.voiceEcho(message.id, i), voiceEchoLine(m.transcript.text), at);
            else if (m.stored?.kind === "audio" && !d.transcriber && d.settings.get("voice_notice_told") === null) {
              d.settings.set("voice_notice_told", at);
              tell(d.keys.voiceEcho(message.id, i), NO_TRANSCRIBER_NOTICE, at);
            }
          });
          // Nothing left for the agent (no text, no attachment stored): the message is done.
          if (message.body.trim() === "" && !media.some((m) => m.stored)) d.lifecycle.answeredByRelay(message.id, at);
        });
        if (answer) d.typed!(message, answer, at);
        d.log("media_settled", { messageId: message.id, stored: media.filter((m) => m.stored).length, failed: media.filter((m) => m.failed).length, bytes: media.reduce((n, m) => n + (m.stored?.size ?? 0), 0) });
      }
      return waiting.length;
  }
}
