// A /preview link's token: what it opens, signed, in the link itself (`/p/<token>/`), so a request
// for one of the app's files costs no lookup before its signature is checked. It names the phone's
// object (by its Durable Object id, so the number is not in the link), one conversation, one port,
// the link epoch it was made under (/web revoke moves it on), the conversation's preview epoch
// (/preview off moves it on) and when it stops working; an HMAC-SHA256 tag (16 bytes) over all of
// it with a key of its own, derived from the links' signing secret. The object checks the epochs.
// Pure but for Web Crypto.

export type PreviewLink = { object: string; conversationId: number; port: number; epoch: number; previewEpoch: number; expiresAt: number };

const LABEL = "whatsapp-agent-relay/preview-link/v1";
const encoder = new TextEncoder();
/** object (32) + conversation (4) + port (2) + epoch (4) + preview epoch (4) + expiry in seconds (4). */
const BODY_BYTES = 50;
const TAG_BYTES = 16;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{88}$/;
const U32 = 0xffff_ffff;

/** HMAC(secret, label): a page link's key and a media key cannot make a preview's tag, nor the reverse. */
export async function derivePreviewKey(secret: string): Promise<CryptoKey> {
  if (secret.length === 0) throw new Error("the signing secret must not be empty");
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = new Uint8Array(await crypto.subtle.sign("HMAC", root, encoder.encode(LABEL)));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

const toBase64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (token: string) => Uint8Array.from(atob(token.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function tagOf(key: CryptoKey, body: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, body)).subarray(0, TAG_BYTES);
}

/** The token of `link`; throws on what could never be opened (a programmer's error). */
export async function makePreviewToken(key: CryptoKey, link: PreviewLink): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(link.object)) throw new Error("object must be a Durable Object id (64 hex digits)");
  const whole = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  if (!whole(link.conversationId, U32) || !whole(link.port, 0xffff) || !whole(link.epoch, U32) || !whole(link.previewEpoch, U32) || !whole(Math.floor(link.expiresAt / 1000), U32)) throw new Error("a preview link's numbers must be whole and in range");
  const bytes = new Uint8Array(BODY_BYTES + TAG_BYTES);
  bytes.set(link.object.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  const view = new DataView(bytes.buffer);
  view.setUint32(32, link.conversationId);
  view.setUint16(36, link.port);
  view.setUint32(38, link.epoch);
  view.setUint32(42, link.previewEpoch);
  view.setUint32(46, Math.floor(link.expiresAt / 1000));
  bytes.set(await tagOf(key, bytes.subarray(0, BODY_BYTES)), BODY_BYTES);
  return toBase64Url(bytes);
}

/** What `token` opens at `now`, or null: not a token this key made (altered, guessed) or expired. */
export async function openPreviewToken(key: CryptoKey, token: string, now: number): Promise<PreviewLink | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const bytes = fromBase64Url(token);
  if (bytes.length !== BODY_BYTES + TAG_BYTES || toBase64Url(bytes) !== token) return null;
  const expected = await tagOf(key, bytes.subarray(0, BODY_BYTES));
  // Every byte compared, whichever differs: the time taken tells nothing of the tag.
  let differs = 0;
  for (let i = 0; i < TAG_BYTES; i++) differs |= expected[i]! ^ bytes[BODY_BYTES + i]!;
  if (differs !== 0) return null;
  const view = new DataView(bytes.buffer);
  const expiresAt = view.getUint32(46) * 1000;
  if (expiresAt <= now) return null;
  const object = Array.from(bytes.subarray(0, 32), (b) => b.toString(16).padStart(2, "0")).join("");
  return { object, conversationId: view.getUint32(32), port: view.getUint16(36), epoch: view.getUint32(38), previewEpoch: view.getUint32(42), expiresAt };
}
