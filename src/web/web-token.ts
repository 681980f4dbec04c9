// Short, expiring links to the private page (`/web/<token>`): the token is 22 base64url characters,
// 10 random bytes (80 bits) and a 6-byte tag (an HMAC of them with the link key), short enough that
// a link with a workers.dev host stays under 80 characters on a phone. The tag lets the Worker
// refuse a token it did not make (altered or guessed) before anything is looked up. What it opens (one phone's object, by its Durable Object id so the number
// is not in the link; the scope; the link epoch it was sent under, which `/web revoke` moves on;
// when it stops working) is stored in the directory under the token's HMAC, never the token
// itself: the stored rows alone open nothing. Pure but for Web Crypto; the shell stores and looks up.
import { toBase64 } from "../shared/encoding";
import type { PageScope } from "../conversations/page-scope";

/**
 * `object`: the PhoneAgent's id (`idFromName(phone).toString()`), whose rows alone the page shows.
 * `issuedAt`: when the directory stored it (unknown for links stored before it kept the time).
 */
export type WebLink = { object: string; scope: PageScope; epoch: number; expiresAt: number; issuedAt?: number | null };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}$/;
/** Its own label: a media link's key cannot make a page link's digest, nor the reverse. */
const WEB_LINK_LABEL = "whatsapp-agent-relay/web-link/v2";
const encoder = new TextEncoder();

/** HMAC(secret, label): knowing the derived key tells nothing of the secret or of the media keys. */
export async function deriveWebLinkKey(secret: string): Promise<CryptoKey> {
  if (secret.length === 0) throw new Error("the signing secret must not be empty");
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = new Uint8Array(await crypto.subtle.sign("HMAC", root, encoder.encode(WEB_LINK_LABEL)));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** Derived keys by secret: one derivation per isolate and secret (the same secret always gives the same key). */
const derivedKeys = new Map<string, Promise<CryptoKey>>();

/** The key of page links, or null when no secret is configured (then no link is made or opened). */
export function webLinkKeyFor(config: { media: { signingSecret: string | null } }): Promise<CryptoKey> | null {
  const secret = config.media.signingSecret;
  if (!secret) return null;
  let key = derivedKeys.get(secret);
  if (!key) derivedKeys.set(secret, (key = deriveWebLinkKey(secret)));
  return key;
}

/** When a link sent at `now` stops working: WEB_LINK_TTL_HOURS later (fractions allowed), whole seconds, rounded down. */
export function webLinkExpiresAt(now: number, ttlHours: number): number {
  return Math.floor((now + ttlHours * 3_600_000) / 1000) * 1000;
}

const RANDOM_BYTES = 10;
const TAG_BYTES = 6;
/** Its own message prefix: a tag is never the first bytes of a digest of the same text. */
const TAG_PREFIX = "tag:";

/** A fresh token: 10 random bytes and their tag, as base64url, 22 characters. */
export async function newWebLinkToken(key: CryptoKey): Promise<string> {
  const random = crypto.getRandomValues(new Uint8Array(RANDOM_BYTES));
  const token = new Uint8Array(RANDOM_BYTES + TAG_BYTES);
  token.set(random);
  token.set(await tagOf(key, random), RANDOM_BYTES);
  return toBase64Url(token);
}

const toBase64Url = (bytes: Uint8Array) => toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function tagOf(key: CryptoKey, random: Uint8Array): Promise<Uint8Array> {
  const message = new Uint8Array([...encoder.encode(TAG_PREFIX), ...random]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message)).subarray(0, TAG_BYTES);
}

/** Whether `token` is shaped as a token and carries its tag: one this key made (an altered one never does). */
export async function isTaggedWebLinkToken(key: CryptoKey, token: string): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const bytes = fromBase64Url(token);
  // The last character carries 4 unused bits: a token spelt otherwise is not the one made.
  if (toBase64Url(bytes) !== token) return false;
  const expected = await tagOf(key, bytes.subarray(0, RANDOM_BYTES));
  // Every byte compared, whichever differs: the time taken tells nothing of the tag.
  let differs = 0;
  for (let i = 0; i < TAG_BYTES; i++) differs |= expected[i]! ^ bytes[RANDOM_BYTES + i]!;
  return differs === 0;
}

function fromBase64Url(token: string): Uint8Array {
  const binary = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The key a token's link is stored under (hex HMAC-SHA256), or null for anything not a token this key made. */
export async function webLinkDigest(key: CryptoKey, token: string): Promise<string | null> {
  if (!(await isTaggedWebLinkToken(key, token))) return null;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(token)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A link as stored: scope as a letter and a conversation id (0 unless one conversation). */
export type StoredWebLink = { object: string; scope: "c" | "a" | "d"; conversationId: number; epoch: number; expiresAt: number; issuedAt?: number | null };

/** What to store for `link`; throws on what could never be opened (a programmer's error). */
export function storedWebLink(link: WebLink): StoredWebLink {
  if (!/^[0-9a-f]{64}$/.test(link.object)) throw new Error("object must be a Durable Object id (64 hex digits)");
  if (!Number.isInteger(link.epoch) || link.epoch < 0) throw new Error("epoch must be a whole number");
  const conversationId = link.scope.kind === "conversation" ? link.scope.conversationId : 0;
  if (!Number.isInteger(conversationId) || conversationId < 0 || (link.scope.kind === "conversation" && conversationId === 0)) throw new Error("conversationId must be a positive whole number");
  return { object: link.object, scope: SCOPE_LETTER[link.scope.kind], conversationId, epoch: link.epoch, expiresAt: link.expiresAt };
}

const SCOPE_LETTER = { conversation: "c", all: "a", dashboard: "d" } as const;

/** What a stored link opens at `now`, or null: none stored, expired, or a row that does not make sense. */
export function openStoredWebLink(row: StoredWebLink | null, now: number): WebLink | null {
  if (!row || row.expiresAt <= now) return null;
  const scope: PageScope | null =
    row.scope === "c" ? (row.conversationId > 0 ? { kind: "conversation", conversationId: row.conversationId } : null) : row.conversationId !== 0 ? null : row.scope === "a" ? { kind: "all" } : { kind: "dashboard" };
  return scope ? { object: row.object, scope, epoch: row.epoch, expiresAt: row.expiresAt, ...(typeof row.issuedAt === "number" ? { issuedAt: row.issuedAt } : {}) } : null;
}
