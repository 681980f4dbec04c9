// How a channel's attachments are fetched into the media store: the type each channel folder's
// `media.ts` implements (kept apart from channel.ts, which the Node scripts load without the store).
import type { ChannelName } from "./channel";
import type { MediaResult, MediaStore } from "../media/media-store";

/**
 * One attachment to fetch: its `ref` (InboundMedia.ref, kept as the stored message's media url),
 * the type the channel declared (not trusted: the bytes decide), and the user who owns what is
 * stored (only ever as a keyed hash).
 */
export type MediaRequest = { ref: string; declaredType: string | null; owner: string };

/**
 * How the relay fetches a channel's attachments, the one way it does: streamed into the media store
 * (R2) under the limit of what the bytes turn out to be, then stored and described, or why not in a
 * phrase for the user. Each channel folder makes its own (`media.ts`); `media.ts` gives
 * them by channel, from the configuration. Never throws.
 */
export type MediaFetcher = (store: MediaStore, media: MediaRequest) => Promise<MediaResult>;

/** A channel without a fetcher (no credentials configured) has its attachments refused. */
export type MediaFetchers = Partial<Record<ChannelName, MediaFetcher>>;
