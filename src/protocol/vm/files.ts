// Files crossing the protocol: the user's attachments, as the VM downloads them, and what the agent's `send_file` may send.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { IdSchema } from "./ids";

/** WhatsApp's kinds of media, as the relay classifies an attachment after sniffing its bytes. */
const AttachmentKindSchema = z.enum(["image", "audio", "video", "document"]);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

/**
 * The only extensions an inbox file may get: the VM names each file `inbox/<yyyy-mm-dd>-<id>.<ext>`
 * from a random id and one of these, never from anything the sender named. `bin`: a document of
 * any other type.
 */
const ATTACHMENT_EXTENSIONS = [
  "jpg", "png", "webp", "gif", "heic",
  "ogg", "opus", "mp3", "m4a", "aac", "amr", "wav",
  "mp4", "3gp", "mov",
  "pdf", "txt", "csv", "json", "md", "rtf", "vcf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "zip", "bin",
] as const;
export const AttachmentExtSchema = z.enum(ATTACHMENT_EXTENSIONS);
type AttachmentExt = z.infer<typeof AttachmentExtSchema>;

/** The extension for a content type (its parameters ignored): what the relay should send as `ext`. */
const EXTENSION_OF_TYPE: Record<string, AttachmentExt> = {
  "image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/heic": "heic",
  "audio/ogg": "ogg", "audio/opus": "opus", "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/mp4": "m4a", "audio/x-m4a": "m4a",
  "audio/aac": "aac", "audio/amr": "amr", "audio/wav": "wav", "audio/x-wav": "wav",
  "video/mp4": "mp4", "video/3gpp": "3gp", "video/quicktime": "mov",
  "application/pdf": "pdf", "text/plain": "txt", "text/csv": "csv", "application/json": "json", "text/markdown": "md",
  "application/rtf": "rtf", "text/rtf": "rtf", "text/vcard": "vcf", "text/x-vcard": "vcf",
  "application/msword": "doc", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.ms-powerpoint": "ppt", "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods",
  "application/vnd.oasis.opendocument.presentation": "odp", "application/zip": "zip",
};
export function attachmentExtOf(contentType: string): AttachmentExt {
  return EXTENSION_OF_TYPE[contentType.split(";")[0]?.trim().toLowerCase() ?? ""] ?? "bin";
}

/** At most this many attachments per message (Twilio's `NumMedia` goes up to 10). */
export const MAX_ATTACHMENTS = 10;
/** No attachment is larger (WhatsApp's documents: 100 MB); the relay applies its own per-kind limits first. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

/**
 * A file the user sent, fetched and stored by the relay: the VM downloads it from `url` (the
 * relay's signed, expiring `GET /media/<token>`, never Twilio's) into the conversation's project.
 */
export const AttachmentSchema = z.object({
  /** https in production; http for a local stack. Fetched without credentials: the token is the link. */
  url: z.url({ protocol: /^https?$/ }).check(z.maxLength(2048)),
  /** As the relay found it (`image/png`, `audio/ogg; codecs=opus`); shown to the agent as is. */
  contentType: z.string().check(z.minLength(3), z.maxLength(200), z.regex(/^[\x20-\x7e]+$/, "printable ASCII")),
  /** The stored object's exact size: the VM refuses a download that is longer or shorter. */
  size: z.number().check(z.int(), z.positive(), z.lte(MAX_ATTACHMENT_BYTES)),
  kind: AttachmentKindSchema,
  ext: AttachmentExtSchema,
  /** Text that belongs to this attachment, placed right after its line. */
  caption: z.optional(z.string().check(z.maxLength(4096))),
  /** A voice note's transcript as the relay words it ("(voice note, 0:12) fix the test"): passed through. */
  transcript: z.optional(z.string().check(z.maxLength(8192))),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/**
 * What the relay can send on WhatsApp through Twilio, by content type: its kind and largest size.
 * Twilio's "Guidance on WhatsApp media messages": a message up to 16 MB, images up to 5 MB; images
 * JPEG and PNG (WebP is for stickers only); audio OGG (Opus only), AMR, 3GP, AAC, MPEG (and MP4
 * audio, in Meta's list); video MP4 (H.264 and AAC) and 3GP; documents PDF, DOC, DOCX, PPTX, XLSX;
 * contacts vCard. Sizes in decimal megabytes, the safe reading of "MB". `send_file` stages nothing else.
 */
export const WHATSAPP_OUTBOUND_MEDIA = {
  "image/jpeg": { kind: "image", maxBytes: 5_000_000 },
  "image/png": { kind: "image", maxBytes: 5_000_000 },
  "audio/ogg": { kind: "audio", maxBytes: 16_000_000 },
  "audio/mpeg": { kind: "audio", maxBytes: 16_000_000 },
  "audio/mp4": { kind: "audio", maxBytes: 16_000_000 },
  "audio/aac": { kind: "audio", maxBytes: 16_000_000 },
  "audio/amr": { kind: "audio", maxBytes: 16_000_000 },
  "video/mp4": { kind: "video", maxBytes: 16_000_000 },
  "video/3gpp": { kind: "video", maxBytes: 16_000_000 },
  "application/pdf": { kind: "document", maxBytes: 16_000_000 },
  "application/msword": { kind: "document", maxBytes: 16_000_000 },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { kind: "document", maxBytes: 16_000_000 },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { kind: "document", maxBytes: 16_000_000 },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { kind: "document", maxBytes: 16_000_000 },
  "text/vcard": { kind: "document", maxBytes: 16_000_000 },
} as const satisfies Record<string, { kind: AttachmentKind; maxBytes: number }>;
export type OutboundContentType = keyof typeof WHATSAPP_OUTBOUND_MEDIA;
const OutboundContentTypeSchema = z.enum(Object.keys(WHATSAPP_OUTBOUND_MEDIA) as [OutboundContentType, ...OutboundContentType[]]);

/** The longest caption `send_file` takes: WhatsApp's limit for a media caption. */
export const MAX_CAPTION_CHARS = 1024;

/**
 * The `args` of a `tool_call` named `send_file`, as the VM emits it after it checked and staged the
 * file (the agent's own arguments, a path and a caption, never reach the relay). Fetch the bytes
 * with `GET VM_ROUTES.runFile(runId, fileId)` before answering the call.
 */
export const SendFileCallArgsSchema = z.object({
  fileId: IdSchema,
  /** The file's own name in the project (no directory), for the user to see. */
  name: z.string().check(z.minLength(1), z.maxLength(255), z.regex(/^[^/\x00-\x1f\x7f]+$/, "a file name without / or control characters")),
  /** Sniffed from the bytes, not taken from the name. */
  contentType: OutboundContentTypeSchema,
  size: z.number().check(z.int(), z.positive(), z.lte(16_000_000)),
  caption: z.optional(z.string().check(z.minLength(1), z.maxLength(MAX_CAPTION_CHARS))),
});
export type SendFileCallArgs = z.infer<typeof SendFileCallArgsSchema>;
