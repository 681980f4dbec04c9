// How a channel's attachments are fetched into the media store: the type each channel folder's
// `media.ts` implements (kept apart from channel.ts, which the Node scripts load without the store).
// The store is media/'s: a fetcher writes into the sink it is handed (media-store.ts mediaSinkOf).
import type { ChannelName } from "./channel";

/**
 * One attachment to fetch: its `ref` (InboundMedia.ref, kept as the stored message's media url),
 * the type the channel declared (not trusted: the bytes decide), and the user who owns what is
 * stored (only ever as a keyed hash).
 */
export type MediaRequest = { ref: string; declaredType: string | null; owner: string };

/** The kinds of file a channel's limits name (media/media-kind.ts MediaKind, which the bytes decide). */
export type FileKind = "image" | "audio" | "video" | "document";

/**
 * A fetched attachment's bytes for the store: `admit` the channel's limit (and its phrase for the
 * user) for the kind the bytes turn out to be; `declaredLength` only refuses early; `signal` ends the
 * read (a timeout), and `readError` says why a read failed or was ended.
 */
export type MediaWrite = {
  owner: string;
  source: ReadableStream<Uint8Array>;
  declaredType: string | null;
  declaredLength: number | null;
  admit: (kind: FileKind) => { maxBytes: number; tooLarge: string };
  signal?: AbortSignal;
  readError: (error: unknown) => string;
};

/** Not stored, and why in a phrase for the user ("Twilio answered 404", "an unknown file type"). */
export type MediaRefusal = { ok: false; reason: string };

/** Where a fetcher writes: the media store, which answers what it stored (`Stored`) or a refusal. */
export type MediaSink<Stored> = { write(media: MediaWrite): Promise<Stored | MediaRefusal> };

/**
 * How the relay fetches a channel's attachments, the one way it does: streamed into the sink (the
 * media store, R2) under the limit of what the bytes turn out to be, then stored and described, or
 * why not in a phrase for the user. Each channel folder makes its own (`media.ts`); `media.ts` gives
 * them by channel, from the configuration. Never throws.
 */
export type MediaFetcher = <Stored>(sink: MediaSink<Stored>, media: MediaRequest) => Promise<Stored | MediaRefusal>;

/** A channel without a fetcher (no credentials configured) has its attachments refused. */
export type MediaFetchers = Partial<Record<ChannelName, MediaFetcher>>;
