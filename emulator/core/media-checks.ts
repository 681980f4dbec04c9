// What Twilio accepts as media on WhatsApp: the MIME types it lists, its size limits, and the error each breach gets.
import { DeliveryFailures, type DeliveryFailure } from "./twilio-errors";

const MB = 1024 * 1024;

/** Twilio's "Guidance on WhatsApp Media Messages": images up to 5 MB, any message up to 16 MB. */
export const WHATSAPP_IMAGE_MAX_BYTES = 5 * MB;
export const WHATSAPP_MESSAGE_MAX_BYTES = 16 * MB;
/** MMS (the SMS channel) carries up to 5 MB of media in all. */
export const MMS_MAX_BYTES = 5 * MB;
/** Messages.json takes up to 10 MediaUrl; WhatsApp sends the first and ignores the rest. */
export const MAX_MEDIA_URLS = 10;

export type MediaKind = "image" | "audio" | "video" | "document" | "contact" | "sticker";

/** The formats Twilio lists for WhatsApp: JPG/PNG (WEBP as stickers), OGG/AMR/3GP/AAC/MPEG audio, PDF and Office documents, MP4, vCard. */
const WHATSAPP_TYPES: Readonly<Record<string, MediaKind>> = {
  "image/jpeg": "image",
  "image/png": "image",
  "image/webp": "sticker",
  "audio/ogg": "audio",
  "audio/amr": "audio",
  "audio/3gpp": "audio",
  "audio/aac": "audio",
  "audio/mp4": "audio",
  "audio/mpeg": "audio",
  "video/mp4": "video",
  "video/3gpp": "video",
  "application/pdf": "document",
  "application/msword": "document",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "document",
  "text/vcard": "contact",
  "text/x-vcard": "contact",
};

/** `audio/ogg; codecs=opus` → `audio/ogg`; absent → empty. */
export function baseMediaType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

export function whatsappMediaKind(contentType: string | null | undefined): MediaKind | undefined {
  return WHATSAPP_TYPES[baseMediaType(contentType)];
}

/** The `MessageType` of an incoming WhatsApp message carrying this media (stickers and contacts aside, by MIME family). */
export function incomingMessageType(contentType: string): "image" | "audio" | "video" | "document" {
  const family = baseMediaType(contentType).split("/")[0];
  return family === "image" || family === "audio" || family === "video" ? family : "document";
}

export type FetchedMedia = { contentType: string | null; size: number };

/**
 * Why Twilio would fail to send this fetched media, or null when it goes. Nothing fetched is
 * 63019; on WhatsApp an unlisted type is 12300, and a breach of the size limits 11751.
 */
export function mediaFailure(media: FetchedMedia, channel: "whatsapp" | "sms"): DeliveryFailure | null {
  if (media.size === 0) return DeliveryFailures.mediaDownload;
  if (channel === "sms") return media.size > MMS_MAX_BYTES ? DeliveryFailures.mediaTooLarge : null;
  const kind = whatsappMediaKind(media.contentType);
  if (!kind) return DeliveryFailures.mediaContentType;
  const limit = kind === "image" ? WHATSAPP_IMAGE_MAX_BYTES : WHATSAPP_MESSAGE_MAX_BYTES;
  return media.size > limit ? DeliveryFailures.mediaTooLarge : null;
}
