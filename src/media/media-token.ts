// Signed, expiring media links (`/media/<token>`): a token names one stored object and stops
// working at its time. HMAC-SHA256 through Web Crypto only; nothing here does I/O.
import { toBase64 } from "../shared/encoding";

/**
 * `m1.<expires, epoch seconds>.<base64url(object key)>.<base64url(HMAC-SHA256 of what precedes)>`.
 * A new layout gets a new prefix, and tokens of the old one stop verifying.
 */
const MEDIA_TOKEN_VERSION = "m1";
const TOKEN_SHAPE = /^m1\.(\d{1,12})\.([A-Za-z0-9_-]{2,700})\.([A-Za-z0-9_-]{43})$/;
/** Fixed labels: the keys derived from one secret for one purpose are useless for any other. */
const TOKEN_LABEL = "whatsapp-agent-relay/media-token/v1";
const OWNER_LABEL = "whatsapp-agent-relay/media-owner/v1";

export type MediaKeys = {
  /** Signs and verifies link tokens. */
  token: CryptoKey;
  /** Turns a phone number into the unguessable prefix of its objects' keys. */
  owner: CryptoKey;
};

const encoder = new TextEncoder();

/** Both keys, each HMAC(secret, its label): knowing a derived key tells nothing of the secret. */
export async function deriveMediaKeys(secret: string): Promise<MediaKeys> {
  if (secret.length === 0) throw new Error("the media signing secret must not be empty");
  const root = await hmacKey(encoder.encode(secret), ["sign"]);
  const derive = async (label: string) => hmacKey(new Uint8Array(await crypto.subtle.sign("HMAC", root, encoder.encode(label))), ["sign", "verify"]);
  return { token: await derive(TOKEN_LABEL), owner: await derive(OWNER_LABEL) };
}

export async function signMediaToken(key: CryptoKey, objectKey: string, expiresAt: number): Promise<string> {
  if (objectKey.length === 0) throw new Error("objectKey must not be empty");
  if (!Number.isFinite(expiresAt) || expiresAt < 0) throw new Error("expiresAt must be an epoch time in ms");
  // Rounded down: a token never lives past the time it was asked for.
  const payload = `${MEDIA_TOKEN_VERSION}.${Math.floor(expiresAt / 1000)}.${toBase64Url(encoder.encode(objectKey))}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload)));
  return `${payload}.${toBase64Url(mac)}`;
}

/** The object key the token was signed for, or null: malformed, forged, altered or expired. */
export async function verifyMediaToken(key: CryptoKey, token: string, now: number): Promise<string | null> {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return null;
  const [, seconds, encodedKey, encodedMac] = match as unknown as [string, string, string, string];
  const mac = fromBase64Url(encodedMac);
  // Only the canonical spelling of the MAC is accepted, so one token has one string.
  if (!mac || mac.length !== 32 || toBase64Url(mac) !== encodedMac) return null;
  const payload = token.slice(0, token.length - encodedMac.length - 1);
  // crypto.subtle.verify compares the MACs in constant time.
  if (!(await crypto.subtle.verify("HMAC", key, mac, encoder.encode(payload)))) return null;
  if (Number(seconds) * 1000 <= now) return null;
  const keyBytes = fromBase64Url(encodedKey);
  if (!keyBytes) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(keyBytes) || null;
  } catch {
    return null;
  }
}

/** When a link made `now` stops working: `ttlMs` later, but never after the object's retention ends. */
export function linkExpiresAt(input: { now: number; ttlMs: number; createdAt: number; retentionMs: number }): number {
  return Math.min(input.now + input.ttlMs, input.createdAt + input.retentionMs);
}

/** 16 base64url characters (96 bits of HMAC): groups one phone's objects without naming the phone. */
export async function mediaOwnerTag(keys: MediaKeys, owner: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", keys.owner, encoder.encode(owner)));
  return toBase64Url(mac.subarray(0, 12));
}

/** Fresh random bytes as base64url (128 bits: 22 characters). */
export function randomId(bytes = 16): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function hmacKey(raw: Uint8Array, usages: ("sign" | "verify")[]): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, usages);
}

function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
