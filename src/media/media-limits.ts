// How large media the relay sends may be, and what WhatsApp (through Twilio) takes from the
// relay, with reasons a person or the agent can act on. What a user can send in is the channel's
// own (channels/whatsapp/media-limits.ts).
import { baseType, type MediaType } from "./media-kind";

const MB = 1024 * 1024;

/**
 * Twilio's "Guidance on WhatsApp Media Messages": 16 MB per outbound message, images only 5 MB.
 * In decimal megabytes, the stricter reading: a file Twilio might count as over is refused here.
 */
const OUTBOUND_MAX_BYTES = 16_000_000;
const OUTBOUND_IMAGE_MAX_BYTES = 5_000_000;

/**
 * The types Twilio lists for WhatsApp (JPEG, PNG; OGG/Opus, AMR, 3GP, AAC, MP4, MPEG audio;
 * MP4, 3GP video; PDF, DOC, DOCX, PPTX, XLSX; vCard), and whether the phone shows each in the
 * chat (images, audio, video and PDFs) or as a file to open.
 */
const SENDABLE: Readonly<Record<string, { inline: boolean }>> = {
  "image/jpeg": { inline: true },
  "image/png": { inline: true },
  "audio/ogg": { inline: true },
  "audio/amr": { inline: true },
  "audio/3gpp": { inline: true },
  "audio/aac": { inline: true },
  "audio/mp4": { inline: true },
  "audio/mpeg": { inline: true },
  "video/mp4": { inline: true },
  "video/3gpp": { inline: true },
  "application/pdf": { inline: true },
  "application/msword": { inline: false },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { inline: false },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { inline: false },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { inline: false },
  "text/vcard": { inline: false },
};

const CONVERT_TO: Readonly<Record<string, string>> = {
  "image/webp": "WhatsApp takes WEBP only as stickers; convert it to PNG or JPEG",
  "image/gif": "WhatsApp does not take GIF images; convert it to PNG or JPEG (an animation to MP4)",
  "image/heic": "WhatsApp does not take HEIC images; convert it to JPEG",
  "audio/ogg": "WhatsApp plays OGG audio only with the Opus codec; convert it to Opus or MP3",
  "audio/amr-wb": "WhatsApp does not take AMR-WB audio; convert it to MP3 or OGG/Opus",
  "audio/wav": "WhatsApp does not take WAV audio; convert it to MP3 or OGG/Opus",
  "video/quicktime": "WhatsApp does not take MOV video; convert it to MP4 (H.264 and AAC)",
  "video/ogg": "WhatsApp does not take OGG video; convert it to MP4 (H.264 and AAC)",
  "application/vnd.ms-excel": "WhatsApp does not take XLS files; convert it to XLSX or PDF",
  "application/vnd.ms-powerpoint": "WhatsApp does not take PPT files; convert it to PPTX or PDF",
  "application/zip": "WhatsApp does not take ZIP archives; send the files themselves (PDF, images, Office documents)",
};

type OutboundVerdict = { ok: true; inline: boolean } | { ok: false; reason: string };

/** Whether WhatsApp takes this type from the relay; the size is checked while reading (`outboundMaxBytes`). */
export function outboundVerdict(media: MediaType): OutboundVerdict {
  const base = baseType(media.contentType);
  const sendable = SENDABLE[base];
  // Outbound OGG must be Opus (Twilio's note on OGG); sniffing tells it from Vorbis.
  if (sendable && (base !== "audio/ogg" || /codecs=opus/.test(media.contentType))) return { ok: true, inline: sendable.inline };
  const reason = CONVERT_TO[base] ?? (base.startsWith("text/") || base === "application/json" ? "WhatsApp does not take text files; send the text as a message, or convert it to PDF" : `WhatsApp does not take ${base} files; send a PDF, an image or an Office document`);
  return { ok: false, reason };
}

export function outboundMaxBytes(media: MediaType): number {
  return media.kind === "image" ? OUTBOUND_IMAGE_MAX_BYTES : OUTBOUND_MAX_BYTES;
}

/** The reason for a file over `outboundMaxBytes`, with what to do about it. */
export function outboundTooLarge(media: MediaType): string {
  return media.kind === "image"
    ? `over WhatsApp's ${OUTBOUND_IMAGE_MAX_BYTES / 1e6} MB for images; make it smaller (fewer pixels, or JPEG)`
    : `over WhatsApp's ${OUTBOUND_MAX_BYTES / 1e6} MB for a file; compress it or split it`;
}

/** "820 bytes", "240 KB", "7.2 MB": sizes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / MB;
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, "") : Math.round(mb)} MB`;
}
