// What a file really is, from its first bytes. The declared Content-Type is never enough on its
// own: it only chooses between readings the bytes leave open (an MP4 of audio or of video, which
// Office document a ZIP or OLE2 file is, which text format), never against them.

export type MediaKind = "image" | "audio" | "video" | "document";
export type MediaType = { contentType: string; kind: MediaKind; ext: string };

/** How many leading bytes `sniffMedia` looks at (Office part names sit in a ZIP's first entries). */
export const SNIFF_BYTES = 64 * 1024;

const type = (contentType: string, kind: MediaKind, ext: string): MediaType => ({ contentType, kind, ext });

/** Fixed signatures at a fixed offset, tried in order. */
const MAGIC: ReadonlyArray<{ at: number; bytes: readonly number[] | string; is: MediaType }> = [
  { at: 0, bytes: [0xff, 0xd8, 0xff], is: type("image/jpeg", "image", "jpg") },
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], is: type("image/png", "image", "png") },
  { at: 0, bytes: "GIF87a", is: type("image/gif", "image", "gif") },
  { at: 0, bytes: "GIF89a", is: type("image/gif", "image", "gif") },
  { at: 0, bytes: "%PDF-", is: type("application/pdf", "document", "pdf") },
  { at: 0, bytes: "#!AMR-WB\n", is: type("audio/amr-wb", "audio", "amr") },
  { at: 0, bytes: "#!AMR\n", is: type("audio/amr", "audio", "amr") },
  { at: 0, bytes: "ID3", is: type("audio/mpeg", "audio", "mp3") },
];

const OOXML: Readonly<Record<string, MediaType>> = {
  "word/": type("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", "docx"),
  "xl/": type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document", "xlsx"),
  "ppt/": type("application/vnd.openxmlformats-officedocument.presentationml.presentation", "document", "pptx"),
};
const OLE2_TYPES: Readonly<Record<string, MediaType>> = {
  "application/msword": type("application/msword", "document", "doc"),
  "application/vnd.ms-excel": type("application/vnd.ms-excel", "document", "xls"),
  "application/vnd.ms-powerpoint": type("application/vnd.ms-powerpoint", "document", "ppt"),
};
/** Text the declared type may name; any other text is stored as text/plain (never HTML or SVG). */
const TEXT_TYPES: Readonly<Record<string, string>> = { "text/csv": "csv", "text/markdown": "md", "text/x-markdown": "md", "application/json": "json" };

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The file's type, or null when its bytes match nothing known (or it is empty). */
export function sniffMedia(head: Uint8Array, declaredType?: string | null): MediaType | null {
  const declared = baseType(declaredType);
  for (const { at, bytes, is } of MAGIC) if (has(head, at, bytes)) return is;
  if (has(head, 0, "RIFF") && has(head, 8, "WEBP")) return type("image/webp", "image", "webp");
  if (has(head, 0, "RIFF") && has(head, 8, "WAVE")) return type("audio/wav", "audio", "wav");
  if (has(head, 0, "OggS")) return ogg(head);
  if (has(head, 4, "ftyp")) return isoMedia(head, declared);
  if (has(head, 0, [0x50, 0x4b, 0x03, 0x04])) return zip(head, declared);
  if (has(head, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return OLE2_TYPES[declared] ?? null;
  const frame = mpegFrame(head);
  if (frame) return frame;
  return text(head, declared);
}

function ogg(head: Uint8Array): MediaType {
  // The first page's packet starts at 28 when it has one segment, as every encoder writes it.
  if (has(head, 28, "OpusHead")) return type("audio/ogg; codecs=opus", "audio", "ogg");
  if (has(head, 28, [0x80, ...ascii("theora")])) return type("video/ogg", "video", "ogg");
  return type("audio/ogg", "audio", "ogg");
}

/** ISO base media (MP4, M4A, 3GP, MOV, HEIC): the brand says the family, the declared type audio or video. */
function isoMedia(head: Uint8Array, declared: string): MediaType {
  const brand = String.fromCharCode(...head.subarray(8, 12));
  const audio = declared.startsWith("audio/");
  if (/^M4[ABP] $/.test(brand)) return type("audio/mp4", "audio", "m4a");
  if (/^3g[p2]/.test(brand)) return audio ? type("audio/3gpp", "audio", "3gp") : type("video/3gpp", "video", "3gp");
  if (brand === "qt  ") return type("video/quicktime", "video", "mov");
  if (/^(heic|heix|heim|heis|hevc|mif1|msf1)$/.test(brand)) return type("image/heic", "document", "heic");
  return audio ? type("audio/mp4", "audio", "m4a") : type("video/mp4", "video", "mp4");
}

/** Office Open XML is a ZIP whose part names say which application wrote it. */
function zip(head: Uint8Array, declared: string): MediaType {
  const declaredOoxml = Object.values(OOXML).find((t) => t.contentType === declared);
  if (has(head, 30, "[Content_Types].xml") || declaredOoxml) {
    // The part name met first decides (a document may embed another kind further on).
    const found = Object.entries(OOXML)
      .map(([prefix, ooxml]) => ({ at: indexOf(head, prefix), ooxml }))
      .filter((f) => f.at >= 0)
      .sort((a, b) => a.at - b.at)[0];
    if (found) return found.ooxml;
    if (declaredOoxml) return declaredOoxml;
  }
  return type("application/zip", "document", "zip");
}

/** An MPEG audio frame header (MP3) or ADTS (AAC): 11-12 sync bits, then fields with invalid values excluded. */
function mpegFrame(head: Uint8Array): MediaType | null {
  if (head.length < 4 || head[0] !== 0xff) return null;
  const b1 = head[1]!;
  const b2 = head[2]!;
  if ((b1 & 0xf6) === 0xf0 && ((b2 >> 2) & 0x0f) < 13) return type("audio/aac", "audio", "aac");
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  const rate = (b2 >> 2) & 3;
  if ((b1 & 0xe0) === 0xe0 && version !== 1 && layer !== 0 && bitrate !== 0x0f && rate !== 3) return type("audio/mpeg", "audio", "mp3");
  return null;
}

function text(head: Uint8Array, declared: string): MediaType | null {
  if (head.length === 0) return null;
  for (const byte of head) {
    // Control characters other than tab, line feed, form feed, carriage return and escape mean binary.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) return null;
  }
  try {
    // `stream` keeps a character cut at the end of the head from counting as invalid.
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(head, { stream: true });
  } catch {
    return null;
  }
  const body = new TextDecoder().decode(head.subarray(0, 64)).replace(/^\uFEFF/, "").trimStart();
  if (/^BEGIN:VCARD/i.test(body)) return type("text/vcard", "document", "vcf");
  const ext = TEXT_TYPES[declared];
  return ext ? type(`${declared}; charset=utf-8`, "document", ext) : type("text/plain; charset=utf-8", "document", "txt");
}

function ascii(text: string): number[] {
  return [...text].map((ch) => ch.charCodeAt(0));
}

function has(head: Uint8Array, at: number, expected: readonly number[] | string): boolean {
  const bytes = typeof expected === "string" ? ascii(expected) : expected;
  if (head.length < at + bytes.length) return false;
  return bytes.every((byte, i) => head[at + i] === byte);
}

function indexOf(head: Uint8Array, needle: string): number {
  const bytes = ascii(needle);
  outer: for (let i = 0; i + bytes.length <= head.length; i++) {
    for (let j = 0; j < bytes.length; j++) if (head[i + j] !== bytes[j]) continue outer;
    return i;
  }
  return -1;
}
