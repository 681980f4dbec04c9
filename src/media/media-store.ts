// Media in R2: a stream read into one object under the limit of what its bytes turn out to be
// (never more than a part held in memory), unguessable keys per phone, files the agent sends,
// and the signed links that serve them.
import type { Config } from "../config/config";
import type { Clock } from "../shared/clock";
import { untilAborted } from "../shared/deadline";
import type { MediaSink } from "../channels/media-fetcher";
import { outboundMaxBytes, outboundTooLarge, outboundVerdict } from "./media-limits";
import { SNIFF_BYTES, sniffMedia, type MediaKind, type MediaType } from "./media-kind";
import { deriveMediaKeys, linkExpiresAt, mediaOwnerTag, randomId, signMediaToken, type MediaKeys } from "./media-token";

export type StoredMedia = { key: string; contentType: string; kind: MediaKind; ext: string; size: number; createdAt: number };
export type MediaResult<T = StoredMedia> = ({ ok: true } & T) | { ok: false; reason: string };
export type MediaStore = { bucket: R2Bucket; keys: MediaKeys; now: Clock };

/** How long a link lives by default: Twilio and the VM fetch at once; a resend signs a new one. */
const MEDIA_LINK_TTL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** R2 wants every part but the last the same size, at least 5 MiB. Also the most held in memory. */
const PART_BYTES = 8 * 1024 * 1024;

/** What may be stored once the type is known: up to a size, or not at all. */
type Admission = { maxBytes: number; tooLarge: string } | { refuse: string };

type WriteInput = {
  key: string;
  source: ReadableStream<Uint8Array>;
  declaredType: string | null;
  /** A Content-Length, only to refuse early: the limit is enforced on the bytes actually read. */
  declaredLength?: number | null;
  admit: (type: MediaType) => Admission;
  /** Ends the read (a timeout); the reason for a read that failed or was ended. */
  signal?: AbortSignal;
  readError: (error: unknown) => string;
  metadata: { direction: "in" | "out"; filename?: string };
};

const cache = new WeakMap<Config["media"], Promise<MediaKeys>>();

/** The keys for the configured secret, derived once per configuration; null without a secret (or a configuration). */
export function mediaKeysFor(config: Config | null): Promise<MediaKeys> | null {
  const secret = config?.media.signingSecret;
  if (!secret) return null;
  let keys = cache.get(config.media);
  if (!keys) cache.set(config.media, (keys = deriveMediaKeys(secret)));
  return keys;
}

/** R2 with the signing keys and the object's clock; null without a bucket or keys (nothing can be stored). */
export function mediaStoreFor(bucket: R2Bucket | undefined, keys: Promise<MediaKeys> | null, clock: Clock): (() => Promise<MediaStore>) | null {
  return bucket && keys ? async () => ({ bucket, keys: await keys, now: clock }) : null;
}

/** Signs links to stored files, dated by the object's clock; a link is null without keys or a public origin. */
export function createMediaLinker(o: { config: Config | null; keys: Promise<MediaKeys> | null; publicOrigin: () => string | null; clock: Clock }) {
  return async (stored: { key: string; createdAt: number }): Promise<string | null> => {
    const origin = o.publicOrigin();
    if (!o.keys || !origin || !o.config) return null;
    return signedMediaUrl(await o.keys, { publicOrigin: origin, key: stored.key, createdAt: stored.createdAt, retentionDays: o.config.media.retentionDays, now: o.clock() });
  };
}

/** `in/<owner tag>/<random>`: 128 random bits, and the phone only as a keyed hash. */
export async function newObjectKey(keys: MediaKeys, direction: "in" | "out", owner: string): Promise<string> {
  return `${direction}/${await mediaOwnerTag(keys, owner)}/${randomId()}`;
}

/** `${publicOrigin}/media/<token>`, valid `ttlMs` but never past retention; null once the object has expired. */
export async function signedMediaUrl(keys: MediaKeys, link: { publicOrigin: string; key: string; createdAt: number; retentionDays: number; now: number; ttlMs?: number }): Promise<string | null> {
  const expiresAt = linkExpiresAt({ now: link.now, ttlMs: link.ttlMs ?? MEDIA_LINK_TTL_MS, createdAt: link.createdAt, retentionMs: link.retentionDays * DAY_MS });
  // Tokens count whole seconds: one that would be dead on arrival is not made.
  if (Math.floor(expiresAt / 1000) * 1000 <= link.now) return null;
  return `${link.publicOrigin.replace(/\/+$/, "")}/media/${await signMediaToken(keys.token, link.key, expiresAt)}`;
}

type OutboundFile = { owner: string; body: ReadableStream<Uint8Array> | Uint8Array; filename?: string; declaredType?: string | null };

/** A file the agent sends: stored only when WhatsApp takes its type and size; `inline`: shown in the chat. */
export async function storeOutbound(store: MediaStore, file: OutboundFile): Promise<MediaResult<StoredMedia & { inline: boolean }>> {
  const source = file.body instanceof Uint8Array ? streamOf(file.body) : file.body;
  const stored = await writeLimited(store, {
    key: await newObjectKey(store.keys, "out", file.owner),
    source,
    declaredType: file.declaredType ?? null,
    admit: (type) => {
      const verdict = outboundVerdict(type);
      return verdict.ok ? { maxBytes: outboundMaxBytes(type), tooLarge: outboundTooLarge(type) } : { refuse: verdict.reason };
    },
    readError: () => "the file could not be read",
    metadata: { direction: "out", ...(file.filename ? { filename: file.filename } : {}) },
  });
  if (!stored.ok) return stored;
  const verdict = outboundVerdict(stored);
  return { ...stored, inline: verdict.ok && verdict.inline };
}

/** The store as a channel's fetcher writes an attachment into it (channels/media-fetcher.ts): under a new key of its owner's, within the channel's limit for what the bytes turn out to be. */
export function mediaSinkOf(store: MediaStore): MediaSink<MediaResult> {
  return {
    write: async ({ owner, admit, ...input }) => writeLimited(store, { ...input, key: await newObjectKey(store.keys, "in", owner), admit: (type) => admit(type.kind), metadata: { direction: "in" } }),
  };
}

/** Reads `source` into R2 under `key`: sniffs the head, then enforces the admitted size on every chunk. */
export async function writeLimited(store: MediaStore, input: WriteInput): Promise<MediaResult> {
  const reader = input.source.getReader();
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let total = 0;
  let type: MediaType | null = null;
  let limit: { maxBytes: number; tooLarge: string } | null = null;
  let upload: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];
  const createdAt = store.now();
  const fail = async (reason: string): Promise<MediaResult> => {
    await reader.cancel().catch(() => {});
    await upload?.abort().catch(() => {});
    return { ok: false, reason };
  };
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await untilAborted(reader.read(), input.signal);
    } catch (error) {
      return fail(input.readError(error));
    }
    if (step.value) {
      chunks.push(step.value);
      buffered += step.value.byteLength;
      total += step.value.byteLength;
    }
    if (!type && (buffered >= SNIFF_BYTES || step.done)) {
      if (total === 0) return fail("an empty file");
      type = sniffMedia(concat(chunks, SNIFF_BYTES), input.declaredType);
      if (!type) return fail("an unknown file type");
      const admission = input.admit(type);
      if ("refuse" in admission) return fail(admission.refuse);
      limit = admission;
      if (input.declaredLength != null && input.declaredLength > limit.maxBytes) return fail(limit.tooLarge);
    }
    // Never reads more than one chunk past the limit, whatever Content-Length said.
    if (limit && total > limit.maxBytes) return fail(limit.tooLarge);
    try {
      if (type && buffered >= PART_BYTES) {
        upload ??= await store.bucket.createMultipartUpload(input.key, r2Options(type, input, createdAt));
        while (buffered >= PART_BYTES) {
          parts.push(await upload.uploadPart(parts.length + 1, take(chunks, PART_BYTES)));
          buffered -= PART_BYTES;
        }
      }
      if (step.done && type) {
        const rest = take(chunks, buffered);
        if (!upload) await store.bucket.put(input.key, rest, r2Options(type, input, createdAt));
        else {
          if (rest.byteLength > 0) parts.push(await upload.uploadPart(parts.length + 1, rest));
          await upload.complete(parts);
        }
        return { ok: true, key: input.key, contentType: type.contentType, kind: type.kind, ext: type.ext, size: total, createdAt };
      }
    } catch {
      return fail("it could not be stored");
    }
  }
}

function r2Options(type: MediaType, input: WriteInput, createdAt: number): R2PutOptions {
  const customMetadata: Record<string, string> = {
    kind: type.kind,
    ext: type.ext,
    direction: input.metadata.direction,
    createdAt: String(createdAt),
    // Kept for diagnosis only; printable and short, it is untrusted.
    declaredType: (input.declaredType ?? "").replace(/[^\x20-\x7e]/g, "").slice(0, 120),
  };
  if (input.metadata.filename) customMetadata.filename = input.metadata.filename.slice(0, 200);
  return { httpMetadata: { contentType: type.contentType }, customMetadata };
}

/** The first `limit` bytes of the chunks, leaving them in place. */
function concat(chunks: readonly Uint8Array[], limit: number): Uint8Array {
  const size = Math.min(limit, chunks.reduce((sum, c) => sum + c.byteLength, 0));
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= size) break;
    const piece = chunk.subarray(0, size - at);
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}

/** Removes and returns the first `count` bytes of the chunks. */
function take(chunks: Uint8Array[], count: number): Uint8Array {
  const out = concat(chunks, count);
  let left = count;
  while (left > 0 && chunks.length > 0) {
    const head = chunks[0]!;
    if (head.byteLength <= left) {
      left -= head.byteLength;
      chunks.shift();
    } else {
      chunks[0] = head.subarray(left);
      left = 0;
    }
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

const KINDS: ReadonlySet<string> = new Set<MediaKind>(["image", "audio", "video", "document"]);

/** What the media route needs of a stored object, from what `writeLimited` stored with it. */
export function storedInfo(object: R2Object): { contentType: string; size: number; kind: MediaKind; ext: string; filename?: string; etag: string; createdAt: number } {
  const meta = object.customMetadata ?? {};
  const kind = KINDS.has(meta.kind ?? "") ? (meta.kind as MediaKind) : "document";
  const ext = /^[a-z0-9]{1,5}$/.test(meta.ext ?? "") ? meta.ext! : "bin";
  const createdAt = Number(meta.createdAt);
  return {
    contentType: object.httpMetadata?.contentType ?? "application/octet-stream",
    size: object.size,
    kind,
    ext,
    ...(meta.filename ? { filename: meta.filename } : {}),
    etag: object.httpEtag,
    createdAt: Number.isFinite(createdAt) && createdAt > 0 ? createdAt : object.uploaded.getTime(),
  };
}
