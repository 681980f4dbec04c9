// `/link` codes: one app's chat asks for a short code, the other app's chat sends it back within
// ten minutes, and both reach the same agent. Pure: randomness and `now` come from the caller.
import type { ChannelName, ChatAddress } from "./channel";

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Letters and digits a person reads off one screen and types on another without confusing them (no 0/O, 1/I/L, U/V). */
export const LINK_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789";
export const LINK_CODE_LENGTH = 6;

/** Fills a buffer with random bytes: crypto.getRandomValues in the shell, a fixed sequence in tests. */
export type RandomBytes = (count: number) => Uint8Array;

export type LinkCode = { code: string; issuedBy: ChatAddress; expiresAt: number };

/**
 * A new code for the chat `issuedBy`. Bytes at or past the largest multiple of the alphabet's
 * size are drawn again, so every symbol is equally likely (no modulo bias).
 */
export function newLinkCode(random: RandomBytes, issuedBy: ChatAddress, now: number): LinkCode {
  const size = LINK_ALPHABET.length;
  const ceiling = 256 - (256 % size);
  let code = "";
  for (let draws = 0; code.length < LINK_CODE_LENGTH; draws++) {
    if (draws > 64) throw new Error("the random source keeps returning bytes it cannot use");
    for (const byte of random(LINK_CODE_LENGTH - code.length)) {
      if (byte < ceiling && code.length < LINK_CODE_LENGTH) code += LINK_ALPHABET[byte % size];
    }
  }
  return { code, issuedBy, expiresAt: now + LINK_CODE_TTL_MS };
}

/** `K7M-Q2P` as shown: halves, so it is read and typed in two glances. */
export function displayLinkCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}

/** What the user typed after /link (`k7m q2p`, `K7M-Q2P`) as a code, or null when it cannot be one. */
export function normalizeLinkCode(text: string): string | null {
  const code = text.replace(/[\s-]+/g, "").toUpperCase();
  if (code.length !== LINK_CODE_LENGTH) return null;
  return [...code].every((char) => LINK_ALPHABET.includes(char)) ? code : null;
}

export type LinkRedeem =
  | { ok: true; join: { existing: ChatAddress; joining: ChatAddress } }
  | { ok: false; reason: "unknown" | "expired" | "same_channel" };

/**
 * Redeeming `found` (the stored code the typed one matched, or null) from the chat `from`. A code
 * is for the other app: the same app's chat would be a second door to the same place.
 */
export function redeemLinkCode(found: LinkCode | null, from: ChatAddress, now: number): LinkRedeem {
  if (!found) return { ok: false, reason: "unknown" };
  if (now >= found.expiresAt) return { ok: false, reason: "expired" };
  if (found.issuedBy.channel === from.channel) return { ok: false, reason: "same_channel" };
  return { ok: true, join: { existing: found.issuedBy, joining: from } };
}

const APP_NAMES: Readonly<Record<ChannelName, string>> = { whatsapp: "WhatsApp", telegram: "Telegram" };

/** What the user reads after /link, and after a refused code. */
export const linkReplies = {
  issued: (code: LinkCode, other: ChannelName) =>
    `Send /link ${displayLinkCode(code.code)} from ${APP_NAMES[other]} within ${LINK_CODE_TTL_MS / 60_000} minutes: that chat then reaches this same agent.`,
  refused: (reason: Extract<LinkRedeem, { ok: false }>["reason"]) =>
    reason === "expired"
      ? "That code has expired. Send /link in the other app for a new one."
      : reason === "same_channel"
        ? "That code is for the other app: send it from there."
        : "No such code. Send /link in the other app for one, then send /link and the code here.",
} as const;
