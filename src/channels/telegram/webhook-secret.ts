// The webhook's secret: `X-Telegram-Bot-Api-Secret-Token` must equal TELEGRAM_WEBHOOK_SECRET,
// compared in constant time over the bytes, so the time taken does not tell how much matched.

/** The header Telegram sends with every update once setWebhook was given a `secret_token`. */
export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** What setWebhook accepts as `secret_token`: 1-256 characters of A-Z, a-z, 0-9, _ and -. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** The relay's own floor for TELEGRAM_WEBHOOK_SECRET: the secret alone authenticates who sent an update. */
export const MIN_WEBHOOK_SECRET_CHARS = 32;

const encoder = new TextEncoder();

/**
 * Whether `given` (the header, or null when absent) is the configured secret. An empty or unset
 * secret matches nothing: a relay without one must refuse every update, not accept them all.
 */
export function checkWebhookSecret(given: string | null | undefined, secret: string | null | undefined): boolean {
  if (!secret || given === null || given === undefined) return false;
  return constantTimeEqual(encoder.encode(given), encoder.encode(secret));
}

/**
 * Equal bytes: every byte of the longer input is looked at whatever is found, and the lengths
 * count as a difference, so only the length of the longer input shows in the time.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.byteLength ^ b.byteLength;
  const length = Math.max(a.byteLength, b.byteLength);
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
