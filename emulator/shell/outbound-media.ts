// Before a message with media goes out, Twilio fetches each MediaUrl: this records what came back and whether it may be sent.
import { mediaFailure } from "../core/media-checks";
import type { OutboundMedia, OutboundMessage } from "../core/message-resource";
import { isWhatsApp } from "../core/phone";
import { DeliveryFailures, type DeliveryFailure } from "../core/twilio-errors";
import { fetchMediaUrl } from "./media-fetch";
import type { MediaStore } from "./media-store";

export type OutboundMediaDeps = {
  media: MediaStore;
  newMediaSid: () => string;
  now: () => number;
  shutdown: AbortSignal;
};

/** Fetches every MediaUrl in order; the first that cannot be sent decides the failure, the rest are still recorded. */
export async function fetchOutboundMedia(
  message: OutboundMessage,
  deps: OutboundMediaDeps,
): Promise<{ media: OutboundMedia[]; failure: DeliveryFailure | null }> {
  const channel = isWhatsApp(message.to) ? "whatsapp" : "sms";
  const media: OutboundMedia[] = [];
  let failure: DeliveryFailure | null = null;
  for (const requested of message.media) {
    const fetched = await fetchMediaUrl(requested.url, deps.shutdown);
    if (!fetched.ok) {
      media.push(requested);
      failure ??= DeliveryFailures.mediaDownload;
      continue;
    }
    const sid = deps.newMediaSid();
    const contentType = fetched.contentType ?? "application/octet-stream";
    deps.media.add({
      sid,
      accountSid: message.accountSid,
      messageSid: message.sid,
      contentType,
      bytes: fetched.bytes,
      filename: fetched.filename,
      createdAt: deps.now(),
    });
    media.push({ ...requested, sid, contentType: fetched.contentType, size: fetched.size, filename: fetched.filename });
    failure ??= mediaFailure({ contentType: fetched.contentType, size: fetched.size }, channel);
  }
  return { media, failure };
}
