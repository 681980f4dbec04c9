// What `send_file` may send: where the path leads (inside the project only), the file's type read
// from its bytes (never its name), and WhatsApp's limits, with a refusal the agent can act on. Pure.
import { basename, isAbsolute, resolve } from "node:path";
import { WHATSAPP_OUTBOUND_MEDIA, type OutboundContentType } from "../../../src/protocol/vm/files";
import { formatSize, isInside } from "./inbox-files";

/** How many bytes of the file's head the sniffer reads. */
export const SNIFF_BYTES = 64 * 1024;

/** The absolute path an agent's `path` names (relative to the project, or absolute), before any link is resolved; or why not. */
export function requestedPath(projectDir: string, path: string): { ok: true; path: string } | { ok: false; why: string } {
  if (path.trim() === "") return { ok: false, why: "path is empty" };
  if (path.includes("\0")) return { ok: false, why: "path contains a NUL byte" };
  const absolute = isAbsolute(path) ? resolve(path) : resolve(projectDir, path);
  return { ok: true, path: absolute };
}

/** After `realpath` (as the user): the file must still be inside the project's real directory. */
export function outsideProjectRefusal(projectReal: string, real: string, asked: string): string | null {
  return isInside(projectReal, real) ? null : `${asked} is outside the project; only files in the project directory can be sent`;
}

/** What the bytes say: a type WhatsApp takes, or a name for one it does not (for the refusal). */
export type Sniffed = { type: OutboundContentType } | { refused: string; advice: string };

const ascii = (head: Uint8Array, from: number, to: number) => Buffer.from(head.subarray(from, to)).toString("latin1");
const startsWith = (head: Uint8Array, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
const contains = (head: Uint8Array, text: string) => Buffer.from(head).includes(text, 0, "latin1");

const CONVERT_IMAGE = "convert it to PNG or JPEG first";
const CONVERT_AUDIO = "convert it to MP3, M4A or OGG/Opus first";
const CONVERT_VIDEO = "convert it to MP4 (H.264 and AAC) first";

/** ISO media files (MP4, M4A, 3GP, MOV, HEIC) by their `ftyp` brand. */
function sniffIsoMedia(brand: string): Sniffed {
  if (brand === "M4A " || brand === "M4B ") return { type: "audio/mp4" };
  if (brand.startsWith("3g")) return { type: "video/3gpp" };
  if (brand === "qt  ") return { refused: "a QuickTime movie (video/quicktime)", advice: CONVERT_VIDEO };
  if (["heic", "heix", "heim", "heis", "hevc", "mif1", "msf1", "avif"].includes(brand)) return { refused: `an ${brand === "avif" ? "AVIF" : "HEIC"} image`, advice: CONVERT_IMAGE };
  return { type: "video/mp4" };
}

/** Office files share containers: ZIP (docx, xlsx, pptx) by the part names inside; OLE2 (only .doc goes) by the name's extension. */
function sniffOffice(head: Uint8Array, ext: string): Sniffed {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    if (contains(head, "word/")) return { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
    if (contains(head, "xl/")) return { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };
    if (contains(head, "ppt/")) return { type: "application/vnd.openxmlformats-officedocument.presentationml.presentation" };
    return { refused: "a ZIP archive (application/zip)", advice: "WhatsApp takes no archives: send the files in it one by one, or as a PDF" };
  }
  if (ext === "doc") return { type: "application/msword" };
  return { refused: `an old-style Office file (.${ext || "?"})`, advice: "WhatsApp takes DOC, DOCX, XLSX and PPTX: save it as one of those or as a PDF first" };
}

/** Text: no NUL byte and valid UTF-8 in the head (a character cut at the end of the sample is fine). */
function isText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // Maybe a multi-byte character cut by the sample's end: try a byte shorter.
    }
  }
  return false;
}

/** The type from the file's first bytes (`ext`, lower case without the dot, only tells a .doc from other OLE2 files). */
export function sniffType(head: Uint8Array, ext: string): Sniffed {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { type: "image/jpeg" };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { type: "image/png" };
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return { refused: "a GIF image (image/gif)", advice: CONVERT_IMAGE };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return { refused: "a WebP image (WhatsApp takes image/webp for stickers only)", advice: CONVERT_IMAGE };
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WAVE") return { refused: "a WAV file (audio/wav)", advice: CONVERT_AUDIO };
  if (ascii(head, 0, 2) === "BM" || startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return { refused: "a BMP or TIFF image", advice: CONVERT_IMAGE };
  if (ascii(head, 4, 8) === "ftyp") return sniffIsoMedia(ascii(head, 8, 12));
  if (ascii(head, 0, 5) === "%PDF-") return { type: "application/pdf" };
  if (ascii(head, 0, 4) === "OggS") return contains(head, "OpusHead") ? { type: "audio/ogg" } : { refused: "an OGG file without the Opus codec", advice: "WhatsApp takes OGG audio only with Opus: convert it to OGG/Opus or MP3 first" };
  if (ascii(head, 0, 6) === "#!AMR\n") return { type: "audio/amr" };
  if (ascii(head, 0, 3) === "ID3") return { type: "audio/mpeg" };
  // MPEG audio frames and AAC's ADTS share the 12-bit sync; the layer bits tell them apart (00 is ADTS).
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xf0) === 0xf0) return ((head[1] ?? 0) & 0x06) === 0 ? { type: "audio/aac" } : { type: "audio/mpeg" };
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) return { type: "audio/mpeg" };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return sniffOffice(head, ext);
  if (isText(head)) {
    if (/^(\uFEFF)?\s*BEGIN:VCARD/i.test(Buffer.from(head.subarray(0, 64)).toString("utf8"))) return { type: "text/vcard" };
    return { refused: "a plain-text file", advice: "WhatsApp (through Twilio) takes no text files: put the text in your reply, or send it as a PDF" };
  }
  return { refused: "a file of a type WhatsApp does not take", advice: "send it as a PDF, an image, audio or video" };
}

/**
 * One line for the agent when the file cannot go (its type, then its size against WhatsApp's limit
 * for that kind), or null. `name`: how the agent named it.
 */
export function sendableRefusal(name: string, size: number, sniffed: Sniffed): string | null {
  if (size === 0) return `${name} is empty; there is nothing to send`;
  if ("refused" in sniffed) return `${name} is ${sniffed.refused}, which WhatsApp does not take: ${sniffed.advice}`;
  const { kind, maxBytes } = WHATSAPP_OUTBOUND_MEDIA[sniffed.type];
  if (size <= maxBytes) return null;
  const shrink =
    kind === "image"
      ? "scale it down or save it as a JPEG of lower quality"
      : kind === "document"
        ? "compress it, split it, or send a smaller excerpt"
        : "shorten it or lower its bit rate";
  return `${name} is ${formatSize(size)} (${sniffed.type}); WhatsApp takes ${kind === "image" ? "images" : `${kind === "document" ? "documents" : kind}`} up to ${formatSize(maxBytes)}: ${shrink}`;
}

/** The name the user sees: the file's own name, without directories, control characters cut. */
export function displayNameOf(path: string): string {
  const name = basename(path).replace(/[\x00-\x1f\x7f]/g, "").slice(0, 255);
  return name === "" ? "file" : name;
}
