// Sender identity from WhatsApp "From" values, E.164 allow-lists, and phone masking for logs.

/** A WhatsApp sender: a phone number, or an identity without one (username-based IDs, BSUIDs). */
export type Sender = { kind: "phone"; phone: string } | { kind: "other"; id: string };

/** A user named for a chat without a phone: a door's short name and its numeric id (`tg-<id>`, channels/user-names.ts). */
const DOOR_USER = /^([a-z]+)-([1-9]\d{0,15})$/;

/** E.164: "+", a first digit 1-9, then 7-14 more digits (8-15 in all). */
const E164 = /^\+[1-9]\d{7,14}$/;
const WHATSAPP_PREFIX = "whatsapp:";

export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * Never throws: anything that is not exactly `whatsapp:+E164` or `+E164` becomes
 * `{ kind: "other", id: from }`, with `from` kept verbatim so the identity stays stable.
 */
export function normalizeSender(from: string): Sender {
  const bare = from.startsWith(WHATSAPP_PREFIX) ? from.slice(WHATSAPP_PREFIX.length) : from;
  return isE164(bare) ? { kind: "phone", phone: bare } : { kind: "other", id: from };
}

type NumberList = { numbers: ReadonlySet<string>; invalid: string[] };

/**
 * Parses a comma-separated list of E.164 numbers (ALLOWED_SENDERS, ADMIN_SENDERS).
 * Whitespace around entries and empty entries are ignored; anything else that is not
 * E.164 lands in `invalid` so the caller can report it instead of silently trusting it.
 */
export function parseNumberListDetailed(csv: string | undefined): NumberList {
  const numbers = new Set<string>();
  const invalid: string[] = [];
  for (const entry of (csv ?? "").split(",")) {
    const trimmed = entry.trim();
    if (trimmed === "") continue;
    if (isE164(trimmed)) numbers.add(trimmed);
    else invalid.push(trimmed);
  }
  return { numbers, invalid };
}

/** The valid numbers only; unset or empty means nobody (fail closed). */
/**
 * `+14155550100` → `+1415***0100`: the first four digits (country code and a few more)
 * and the last four stay, at least three digits are always hidden. A `whatsapp:` prefix
 * is kept. Anything that is not a phone number becomes `***`, as it may be an identity.
 */
export function maskPhone(phone: string): string {
  const sender = normalizeSender(phone);
  // A user named for a door without a phone keeps its door and the last four digits of its id, as a
  // phone does; read here, below the channel layer, so logging needs none of it.
  if (sender.kind === "other") {
    const named = DOOR_USER.exec(phone);
    return named ? `${named[1]}-***${named[2]!.slice(-4)}` : "***";
  }
  const digits = sender.phone.slice(1);
  const head = digits.slice(0, Math.min(4, digits.length - 7));
  const prefix = phone.startsWith(WHATSAPP_PREFIX) ? WHATSAPP_PREFIX : "";
  return `${prefix}+${head}***${digits.slice(-4)}`;
}
