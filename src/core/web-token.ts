// Signed, expiring links to the private page (`/web/<token>`): a token names one phone's object
// (by its Durable Object id, so the number itself is not in the link) and what of it the page shows (one conversation, all of them, or the operator's dashboard), the link epoch it
// was sent under (`/web revoke` moves it on), and when it stops working. HMAC-SHA256 through Web
// Crypto only; nothing here does I/O. Whether the epoch is still the phone's is its object's to say.

/**
 * `w1.<scope>.<expires, epoch seconds>.<link epoch>.<conversation id or 0>.<PhoneAgent id, 64 hex>.<hex HMAC-SHA256 of what precedes>`.
 * A new layout gets a new prefix, and tokens of the old one stop verifying.
 */
const WEB_TOKEN_VERSION = "w1";
const TOKEN_SHAPE = /^w1\.([cad])\.(\d{1,12})\.(\d{1,9})\.(\d{1,9})\.([0-9a-f]{64})\.([0-9a-f]{64})$/;
/** Its own label: a media link's key cannot sign a page link, nor the reverse. */
const WEB_LINK_LABEL = "whatsapp-agent-relay/web-link/v1";

/** `conversation`: one of the phone's conversations; `all`: every one; `dashboard`: the operator's page (an admin's link). */
export type WebScope = { kind: "conversation"; conversationId: number } | { kind: "all" } | { kind: "dashboard" };

/** `object`: the PhoneAgent's id (`idFromName(phone).toString()`), whose rows alone the page shows. */
export type WebLink = { object: string; scope: WebScope; epoch: number; expiresAt: number };

const encoder = new TextEncoder();
const SCOPE_LETTER = { conversation: "c", all: "a", dashboard: "d" } as const;

/** HMAC(secret, label): knowing the derived key tells nothing of the secret or of the media keys. */
export async function deriveWebLinkKey(secret: string): Promise<CryptoKey> {
  if (secret.length === 0) throw new Error("the signing secret must not be empty");
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = new Uint8Array(await crypto.subtle.sign("HMAC", root, encoder.encode(WEB_LINK_LABEL)));
  return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

/** Derived keys by secret: one derivation per isolate and secret (the same secret always gives the same key). */
const derivedKeys = new Map<string, Promise<CryptoKey>>();

/** The key that signs page links, or null when no secret is configured (then no link is made or opened). */
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

export async function signWebToken(key: CryptoKey, link: WebLink): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(link.object)) throw new Error("object must be a Durable Object id (64 hex digits)");
  if (!Number.isInteger(link.epoch) || link.epoch < 0) throw new Error("epoch must be a whole number");
  const conversationId = link.scope.kind === "conversation" ? link.scope.conversationId : 0;
  if (!Number.isInteger(conversationId) || conversationId < 0) throw new Error("conversationId must be a whole number");
  const payload = [WEB_TOKEN_VERSION, SCOPE_LETTER[link.scope.kind], Math.floor(link.expiresAt / 1000), link.epoch, conversationId, link.object].join(".");
  return `${payload}.${hex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload))))}`;
}

/** What the token was signed for, or null: malformed, forged, altered or expired. */
export async function verifyWebToken(key: CryptoKey, token: string, now: number): Promise<WebLink | null> {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return null;
  const [, letter, seconds, epoch, conversationId, object, macHex] = match as unknown as [string, string, string, string, string, string, string];
  const payload = token.slice(0, token.length - macHex.length - 1);
  // crypto.subtle.verify compares the MACs in constant time.
  if (!(await crypto.subtle.verify("HMAC", key, fromHex(macHex), encoder.encode(payload)))) return null;
  const expiresAt = Number(seconds) * 1000;
  if (expiresAt <= now) return null;
  const scope: WebScope | null =
    letter === "c" ? (Number(conversationId) > 0 ? { kind: "conversation", conversationId: Number(conversationId) } : null) : Number(conversationId) !== 0 ? null : letter === "a" ? { kind: "all" } : { kind: "dashboard" };
  return scope ? { object, scope, epoch: Number(epoch), expiresAt } : null;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
