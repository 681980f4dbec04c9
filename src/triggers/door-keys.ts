// The doors that strangers may knock on (a GitHub webhook, an HTTP trigger) carry, in their URL,
// a sealed door id: the object it leads to and the watch's or trigger's own id, encrypted and
// authenticated under a key derived from the relay's door key (DOOR_SIGNING_KEY). The webhook's
// secret and the trigger's token are derived from the same key and the sealed id, so the Worker
// checks a request with no lookup at all, and asks no Durable Object before it passes.
// Web Crypto only; nothing here does I/O.

/** Which door: a sealed id of one kind never opens a door of the other, and derives another secret. */
export type DoorKind = "github" | "trigger";

export type DoorKeys = {
  /** AES-GCM: seals and opens door ids. */
  seal: CryptoKey;
  /** HMAC-SHA256: a door's secret (webhook) or token (trigger) from its sealed id. */
  secret: CryptoKey;
};

/** What a sealed id holds: the PhoneAgent's name, and the watch's or trigger's id. */
export type Door = { home: string; id: string };

/** Fixed labels: keys derived for one purpose are useless for any other (media links have their own). */
const SEAL_LABEL = "whatsapp-agent-relay/door-seal/v1";
const SECRET_LABEL = "whatsapp-agent-relay/door-secret/v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** base64url of at least an IV, a tag and a few bytes; at most what a home and an id can make. */
export const SEALED_DOOR = /^[A-Za-z0-9_-]{40,400}$/;

const encoder = new TextEncoder();

/** Both keys from the door key (HMAC(secret, label) each): one leaked key tells nothing of the other. */
export async function deriveDoorKeys(secret: string): Promise<DoorKeys> {
  if (secret.length === 0) throw new Error("the door key must not be empty");
  const root = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const bytesOf = async (label: string) => new Uint8Array(await crypto.subtle.sign("HMAC", root, encoder.encode(label)));
  return {
    seal: await crypto.subtle.importKey("raw", await bytesOf(SEAL_LABEL), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]),
    secret: await crypto.subtle.importKey("raw", await bytesOf(SECRET_LABEL), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
  };
}

/** Derived keys by door key: one derivation per isolate and key (the same key always gives the same keys). */
const derivedKeys = new Map<string, Promise<DoorKeys>>();

/** The door keys of the configuration (DOOR_SIGNING_KEY, else the media signing secret), or null when it has none: then no door opens. */
export function doorKeysFor(config: { doorSigningSecret: string | null }): Promise<DoorKeys> | null {
  const secret = config.doorSigningSecret;
  if (!secret) return null;
  let keys = derivedKeys.get(secret);
  if (!keys) derivedKeys.set(secret, (keys = deriveDoorKeys(secret)));
  return keys;
}

/** A new sealed id for `door` (a fresh IV each time: two seals of one door differ). */
export async function sealDoor(keys: DoorKeys, kind: DoorKind, door: Door, random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): Promise<string> {
  if (door.home.includes("\n") || door.id.includes("\n") || door.home === "" || door.id === "") throw new Error("a door's home and id are one non-empty line each");
  const iv = random(IV_BYTES);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(kind) }, keys.seal, encoder.encode(`${door.home}\n${door.id}`)));
  const all = new Uint8Array(IV_BYTES + sealed.byteLength);
  all.set(iv);
  all.set(sealed, IV_BYTES);
  return toBase64Url(all);
}

/** The door a sealed id of `kind` names, or null: malformed, forged, altered, or sealed under another key or kind. */
export async function openDoor(keys: DoorKeys, kind: DoorKind, sealed: string): Promise<Door | null> {
  if (!SEALED_DOOR.test(sealed)) return null;
  const bytes = fromBase64Url(sealed);
  if (!bytes || bytes.byteLength <= IV_BYTES + TAG_BYTES || toBase64Url(bytes) !== sealed) return null;
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: encoder.encode(kind) }, keys.seal, bytes.subarray(IV_BYTES));
  } catch {
    return null;
  }
  const text = new TextDecoder().decode(plain);
  const cut = text.indexOf("\n");
  return cut > 0 && cut < text.length - 1 ? { home: text.slice(0, cut), id: text.slice(cut + 1) } : null;
}

/**
 * The secret of a door: a GitHub webhook's as 64 hex digits (what GitHub's settings take), a
 * trigger's token as 43 base64url characters (32 bytes). Derived, never stored.
 */
export async function doorSecret(keys: DoorKeys, kind: DoorKind, sealed: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", keys.secret, encoder.encode(`${kind}\n${sealed}`)));
  return kind === "github" ? [...mac].map((b) => b.toString(16).padStart(2, "0")).join("") : toBase64Url(mac);
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
