// How the media route answers for a stored object: one byte range or the whole, and the headers
// (type, length, disposition, caching). Pure: the route only reads R2 and sends what this says.
import type { MediaKind } from "./media-kind";

/** Inclusive byte positions, as in `Content-Range: bytes start-end/size`. */
type ByteRange = { start: number; end: number };
export type RangeRequest = { type: "full" } | { type: "partial"; range: ByteRange } | { type: "unsatisfiable" };

const SINGLE_RANGE = /^(\d{0,15})-(\d{0,15})$/;

/**
 * Reads a `Range` header (RFC 9110 §14). One `bytes=` range is served; anything the relay does
 * not serve (no header, another unit, several ranges, bad syntax) is answered with the whole
 * file, which the RFC allows. A range that starts past the end is unsatisfiable (416).
 */
export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  const spec = /^\s*bytes\s*=\s*(.*)$/i.exec(header ?? "")?.[1]?.trim();
  if (spec === undefined || spec.includes(",")) return { type: "full" };
  const match = SINGLE_RANGE.exec(spec);
  if (!match || (match[1] === "" && match[2] === "")) return { type: "full" };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { type: "unsatisfiable" };
    return { type: "partial", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { type: "full" };
  if (start >= size) return { type: "unsatisfiable" };
  return { type: "partial", range: { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) } };
}

type StoredObjectInfo = {
  contentType: string;
  size: number;
  kind: MediaKind;
  ext: string;
  /** The name the file had where it came from, if any (a file the agent sent). */
  filename?: string | undefined;
  /** R2's quoted ETag. */
  etag?: string | undefined;
};

/** The headers of a 200 or 206 answer. */
export function mediaHeaders(info: StoredObjectInfo, range?: ByteRange): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": info.contentType,
    "content-length": String(range ? range.end - range.start + 1 : info.size),
    "accept-ranges": "bytes",
    "content-disposition": contentDisposition(info),
    "cache-control": "private",
    // What is served is what was sniffed and stored: browsers must not guess something else (HTML).
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
  };
  if (info.etag) headers.etag = info.etag;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${info.size}`;
  return headers;
}

/** The headers of a 416 answer. */
export function unsatisfiableHeaders(size: number): Record<string, string> {
  return { "content-range": `bytes */${size}`, "accept-ranges": "bytes", "cache-control": "private" };
}

/** Documents download; images, audio and video show inline. Twilio and the simulator take the name from here. */
export function contentDisposition(info: Pick<StoredObjectInfo, "kind" | "ext" | "filename">): string {
  return `${info.kind === "document" ? "attachment" : "inline"}; filename="${safeFilename(info.filename, info.kind, info.ext)}"`;
}

/**
 * A name Twilio passes on unchanged (its guidance: no spaces or special characters, at most 20
 * characters), with the extension of what the file really is: `chart.jpg` that is a PNG is
 * `chart.png`. Without a usable name, the kind: `image.png`.
 */
export function safeFilename(name: string | undefined, kind: MediaKind, ext: string): string {
  const base = (name ?? "").split(/[\\/]/).pop()!.replace(/\.[^.]*$/, "");
  const stem = base.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  const room = 20 - ext.length - 1;
  return `${(stem || kind).slice(0, room).replace(/-+$/, "") || kind}.${ext}`;
}

/** Whether an `If-Range` validator still allows the range: absent, or R2's current ETag. */
export function rangeStillValid(ifRange: string | null | undefined, etag: string | undefined): boolean {
  return !ifRange || (etag !== undefined && ifRange.trim() === etag);
}
