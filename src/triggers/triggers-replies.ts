// What the relay says about HTTP triggers: the URL and token (once), the list, a removal, and
// why a /trigger command changed nothing. Pure: facts in, text out.
import { formatAgo } from "../shared/format-ago";
import { MAX_TRIGGERS } from "./triggers";

export function triggerNameTaken(name: string): string {
  return `You have a trigger named ${name} already. /trigger remove ${name} ends it first.`;
}

export const TOO_MANY_TRIGGERS = `You have ${MAX_TRIGGERS} triggers, the most there can be. /trigger remove <name> ends one.`;
export const TRIGGER_NOT_MADE = "The trigger could not be made: this relay has no key to derive its token from (DOOR_SIGNING_KEY, or MEDIA_SIGNING_KEY, or a channel's secret). Nothing was kept; ask its operator.";

export function noSuchTrigger(name: string): string {
  return `You have no trigger named ${name}. /triggers lists them.`;
}

export function triggerRemovedReply(name: string): string {
  return `Trigger ${name} removed: its URL answers 401 from now on.`;
}

/** The one message that shows the token: derived, never stored, and never shown again. */
export function triggerMadeReply(t: { name: string; conversation: string; url: string; token: string }): string {
  return [
    `Trigger ${t.name}: each POST starts its prompt in @${t.conversation}.`,
    `URL: ${t.url}`,
    `Token: ${t.token}`,
    "The token is shown this once; it can fire this trigger and nothing else. Send it as `Authorization: Bearer <token>`, optionally with a JSON body {\"text\": \"…\"} (appended to the prompt) and an Idempotency-Key header.",
    `/trigger remove ${t.name} ends it.`,
  ].join("\n");
}

/** `door: false`: made before triggers' URLs were doors; its URL and token no longer open anything. */
export type ListedTrigger = { name: string; conversation: string | null; lastFiredAt: number | null; fireCount: number; door?: boolean };

/** /triggers: each one's conversation, when it last fired and how often; never a token. */
export function triggerListReply(list: readonly ListedTrigger[], now: number): string {
  if (list.length === 0) return "You have no triggers. /trigger add <name> <prompt> makes one in this conversation.";
  const lines = list.map((t) => {
    const where = t.conversation === null ? "a deleted conversation" : `@${t.conversation}`;
    const fired = t.lastFiredAt === null ? "never fired" : `last fired ${formatAgo(t.lastFiredAt, now)}, ${t.fireCount} ${t.fireCount === 1 ? "time" : "times"} in all`;
    const stopped = t.door === false ? ` (its URL stopped working when this relay was upgraded: /trigger remove ${t.name}, then /trigger add it again for a new URL and token)` : "";
    return `${t.name} – ${where}, ${fired}${stopped}`;
  });
  return [`Your triggers (${list.length}):`, ...lines, "/trigger remove <name> ends one."].join("\n");
}

/** A firing that found the trigger's conversation gone: told once per firing. */
export function triggerConversationGone(origin: string, name: string): string {
  return `${origin}: not started. Its conversation was deleted; /trigger remove ${name} ends it.`;
}
