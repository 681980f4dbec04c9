// The outbox as the object's units write to it: each message addressed to a chat (by default the
// one the user last wrote from) and put in that channel's markup, in parts that fit its messages.
// WhatsApp's rows are stored exactly as they were before there was a second channel.
import { CHANNELS } from "../channels";
import { relayTextParts } from "../channels/relay-text";
import { noticeTarget, type Target } from "../messages/reply-target";
import type { OutboxRepo, OutboxTarget } from "./outbox-repo";

export type OutboxAdd = Parameters<OutboxRepo["add"]>[0] & {
  /** The body is the agent's Markdown (a run's reply): rendered by the channel's formatter. */
  markdown?: boolean;
  /**
   * The key of part `i` (0 is `dedupeKey`) when the body is split for its channel, WhatsApp's too
   * (a reply, a command's answer). Unset: a WhatsApp row is stored as it is, and another channel's
   * further parts, if its messages cannot hold the text, get keys of their own.
   */
  partKey?: (i: number) => string;
};

/** What the object's units write to: the outbox repository with addressed, channel-rendered adds. */
export type OutboxWriter = Omit<OutboxRepo, "add"> & { add(m: OutboxAdd): boolean };

/** The key of part `i` (from 1) of a relay text that one message of the channel cannot hold. */
const extraPartKey = (dedupeKey: string) => (i: number) => (i === 0 ? dedupeKey : `${dedupeKey}#${i}`);

export function addressedOutbox(repo: OutboxRepo, d: { lastInbound: () => Target | null; home: Target }) {
  const target = (to: OutboxTarget | undefined): OutboxTarget => to ?? noticeTarget(d.lastInbound(), d.home);

  /** Adds a message once per key; a relay text too long for one message of its channel becomes several, after it. */
  function add(m: OutboxAdd): boolean {
    const { markdown, partKey, ...row } = m;
    const to = target(m.to);
    if (m.contentSid || (to.channel === "whatsapp" && !markdown && !partKey)) return repo.add({ ...row, to });
    const spec = CHANNELS[to.channel];
    const limit = m.media ? spec.limits.maxCaptionChars : undefined;
    // A file's caption may be empty; a text with nothing to say is no message (as chunking gave none).
    const parts = m.body === "" && m.media ? [""] : markdown ? spec.format.render(m.body, limit) : relayTextParts(to.channel, m.body, limit);
    const keyOf = partKey ?? extraPartKey(m.dedupeKey);
    const last = parts.length - 1;
    // Each part once by its own key, as a replayed event adds nothing; buttons under the last.
    let added = false;
    parts.forEach((body, i) => {
      const part = { ...row, dedupeKey: keyOf(i), body, buttons: i === last ? m.buttons : null, media: i === 0 ? m.media : null, to };
      added = repo.add(part) || added;
    });
    return added;
  }

  return {
    ...repo,
    add,
    /** The most one message holds in the chat a message to `to` (by default: where notices go) reaches. */
    maxTextChars: (to?: OutboxTarget): number => CHANNELS[target(to).channel].limits.maxTextChars,
    /** The channel a message to `to` (by default: where notices go) reaches. */
    channelOf: (to?: OutboxTarget) => target(to).channel,
    /** The one acknowledgement per run: short, so one part is all there is. */
    upsertPending(m: Parameters<OutboxRepo["upsertPending"]>[0]): void {
      const to = target(m.to);
      repo.upsertPending({ ...m, body: to.channel === "whatsapp" ? m.body : (relayTextParts(to.channel, m.body)[0] ?? m.body), to });
    },
  };
}
export type AddressedOutbox = ReturnType<typeof addressedOutbox>;
