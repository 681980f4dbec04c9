// HTTP triggers as data: names, the /trigger command's arguments, the token in an Authorization
// header compared in constant time, the id of the run a firing starts, and each trigger's rate.
import { firstWord, type InvalidCommand } from "../shared/command-words";
import { quoteInput } from "../shared/quote-input";
import { quoteData } from "../messages/stranger-quote";

/** A trigger's name: what the user types to remove it, and what /status and the page show. */
const TRIGGER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
/** Random, 128 bits as hex: unguessable, and short enough for the event id to keep most of the key's hash. */
export const TRIGGER_ID = /^[0-9a-f]{32}$/;
/** A token is 32 random bytes in base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const MAX_TRIGGERS = 20;
export const MAX_TRIGGER_PROMPT_CHARS = 2_000;
/** A firing's `{"text": …}`: what fits in one message to the agent, beside the prompt. */
export const MAX_TRIGGER_TEXT_CHARS = 8_000;
/** The body of a firing, in bytes: the text's limit in UTF-8 and JSON escapes, with room to spare. */
export const MAX_TRIGGER_BODY_BYTES = 64 * 1024;
export const MAX_IDEMPOTENCY_KEY_CHARS = 255;
/** Each trigger may start this many runs a minute; the user's own rate limit holds as well. */
export const TRIGGER_RATE = { limit: 10, windowMs: 60_000 } as const;

export const TRIGGER_USAGE = "Use /trigger add <name> <prompt>, /trigger remove <name>, or /triggers.";

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

/** A trigger's name, lower-cased: 1-32 of a-z, 0-9 and inner hyphens. */
export function validateTriggerName(raw: string): NameCheck {
  const name = raw.toLowerCase();
  if (TRIGGER_NAME.test(name)) return { ok: true, name };
  return { ok: false, reason: `A trigger's name is 1-32 letters, digits and inner hyphens (deploy-check), not “${quoteInput(raw, 40)}”.` };
}

/** `/trigger add NAME PROMPT` (in the current conversation), `/trigger remove NAME`, `/triggers`. */
export type TriggerCommand = { type: "trigger_add"; name: string; prompt: string } | { type: "trigger_remove"; name: string } | { type: "trigger_list" };

const invalid = (reason: string): InvalidCommand => ({ type: "invalid", reason });

/** `/trigger add NAME PROMPT` and `/trigger remove NAME`. */
export function parseTriggerArgs(args: string): TriggerCommand | InvalidCommand {
  const [action, rest] = firstWord(args);
  switch (action.toLowerCase()) {
    case "add": {
      const [rawName, prompt] = firstWord(rest);
      if (rawName === "") return invalid(`/trigger add takes a name and a prompt, e.g. /trigger add deploy-check check the deploy and tell me.`);
      const name = validateTriggerName(rawName);
      if (!name.ok) return invalid(name.reason);
      if (prompt === "") return invalid(`/trigger add ${name.name} needs a prompt after the name: what the agent is asked each time it fires.`);
      if (prompt.length > MAX_TRIGGER_PROMPT_CHARS) return invalid(`A trigger's prompt is at most ${MAX_TRIGGER_PROMPT_CHARS} characters; this one has ${prompt.length}.`);
      return { type: "trigger_add", name: name.name, prompt };
    }
    case "remove": {
      const [rawName, extra] = firstWord(rest);
      if (rawName === "" || extra !== "") return invalid("/trigger remove takes one trigger's name (/triggers lists them).");
      const name = validateTriggerName(rawName);
      return name.ok ? { type: "trigger_remove", name: name.name } : invalid(name.reason);
    }
    case "":
      return { type: "trigger_list" };
    default:
      return invalid(TRIGGER_USAGE);
  }
}

/** The token of `Authorization: Bearer <token>`; null when absent or not of a token's shape. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
  const token = match?.[1] ?? null;
  return token !== null && TOKEN.test(token) ? token : null;
}

/**
 * Whether two digests (hex of SHA-256) are equal, in time that depends only on their lengths: a
 * caller learns nothing of the stored digest from how long a wrong token takes to refuse.
 */
export function sameDigest(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  // Past the end charCodeAt is NaN, and NaN | 0 is 0: a shorter string still costs the whole loop.
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** A firing's message id (the VM protocol's 80 characters): the trigger, then as much of the key's hash as fits. */
export function triggerEventId(triggerId: string, keyDigestHex: string): string {
  const head = `trigger-${triggerId}-`;
  return head + keyDigestHex.slice(0, 80 - head.length);
}

/** The prefix every firing of `triggerId` is stored under. */
export const triggerEventPrefix = (triggerId: string): string => `trigger-${triggerId}-`;

export type TriggerRateDecision = { action: "accept" } | { action: "refuse"; retryAfterSeconds: number };

/** Over `limit` firings within the window ending `now`: refused until the oldest of them leaves it. */
export function decideTriggerRate(firedAt: readonly number[], now: number, rate: { limit: number; windowMs: number } = TRIGGER_RATE): TriggerRateDecision {
  const inWindow = firedAt.filter((at) => at > now - rate.windowMs && at <= now).sort((a, b) => b - a);
  if (inWindow.length < rate.limit) return { action: "accept" };
  // The limit-th newest leaves the window first among those that keep it full.
  const freesAt = inWindow[rate.limit - 1]! + rate.windowMs;
  return { action: "refuse", retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now) / 1000)) };
}

/**
 * What the agent is asked: the trigger's prompt (the user's own words), then the caller's text
 * when there is one, quoted as data: whoever holds the token wrote it, not the user.
 */
export function triggerPrompt(prompt: string, text: string | undefined, name: string): string {
  const extra = text?.trim() ?? "";
  if (extra === "") return prompt;
  return `${prompt}\n\n${quoteData({ what: `text sent with trigger ${name} by whoever called its URL`, author: null, url: null }, [{ label: "text", text: extra }])}`;
}

/** How /status, the run log and the page name a run this trigger started. */
export const triggerOrigin = (name: string): string => `trigger ${name}`;

/** SHA-256 of `text` (UTF-8), as 64 hex digits: how a token is stored, and how an Idempotency-Key becomes part of a message id. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new token: 32 random bytes in base64url, 43 characters. */
export function newTriggerToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
