// How large an attachment a WhatsApp user can send the relay, per kind, and the phrase for one
// over it: the channel's own limits (media/media-limits.ts keeps what WhatsApp takes from the relay).
import type { FileKind } from "../media-fetcher";

const MB = 1024 * 1024;

/**
 * What a WhatsApp user can send us: WhatsApp's own limits per kind (the Cloud API's "supported
 * media types", for sending or receiving: images 5 MB, audio and video 16 MB, documents 100 MB).
 * Twilio documents no lower limit for incoming media; its 16 MB (5 MB images) is for sending.
 */
export const INBOUND_MAX_BYTES: Readonly<Record<FileKind, number>> = { image: 5 * MB, audio: 16 * MB, video: 16 * MB, document: 100 * MB };

const KIND_PLURAL: Readonly<Record<FileKind, string>> = { image: "images", audio: "audio", video: "videos", document: "documents" };

/** The phrase for the user: "over WhatsApp's 5 MB for images". */
export function inboundTooLarge(kind: FileKind): string {
  return `over WhatsApp's ${INBOUND_MAX_BYTES[kind] / MB} MB for ${KIND_PLURAL[kind]}`;
}
