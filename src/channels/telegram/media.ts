// Fetches one attachment of a Telegram message (by its file_id: getFile, then the download) into
// R2: Telegram's MediaFetcher, storing as WhatsApp's does (../whatsapp/media.ts), with Telegram's 20 MB limit.
import { DOWNLOAD_MAX_BYTES } from "./api";
import { createTelegramClient, type TelegramClient, type TelegramConnection } from "./client";
import type { MediaFetcher, MediaRefusal, MediaSink } from "../media-fetcher";

export type TelegramMediaDeps<Stored> = { sink: MediaSink<Stored>; client: Pick<TelegramClient, "fetchFile"> };

/** Said to the user for a file the Bot API will not hand a bot (its getFile stops at 20 MB). */
export const TELEGRAM_TOO_LARGE = `it is over the ${DOWNLOAD_MAX_BYTES / 1024 / 1024} MB Telegram lets a bot download; send it as a link instead`;

/** Telegram's attachments, fetched through the bot's connection (a file's `ref` is its file_id). */
export function telegramMediaFetcher(conn: TelegramConnection, fetchFn?: typeof fetch): MediaFetcher {
  const client = createTelegramClient(conn, fetchFn);
  return (sink, media) => fetchTelegramMedia({ sink, client }, { fileId: media.ref, declaredType: media.declaredType, owner: media.owner });
}

/** Stored and described, or why not in a phrase for the user. */
export async function fetchTelegramMedia<Stored>(deps: TelegramMediaDeps<Stored>, media: { fileId: string; declaredType: string | null; owner: string }): Promise<Stored | MediaRefusal> {
  const file = await deps.client.fetchFile(media.fileId);
  if (!file.ok) return { ok: false, reason: file.reason === "too_large" ? TELEGRAM_TOO_LARGE : `Telegram did not hand it over (${file.detail})` };
  return deps.sink.write({
    owner: media.owner,
    source: new Blob([new Uint8Array(file.bytes)]).stream(),
    declaredType: media.declaredType,
    declaredLength: file.bytes.byteLength,
    admit: () => ({ maxBytes: DOWNLOAD_MAX_BYTES, tooLarge: TELEGRAM_TOO_LARGE }),
    readError: () => "the download broke off",
  });
}
