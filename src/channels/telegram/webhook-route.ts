// What the Worker's `POST /telegram/webhook` does with an update once its secret is checked: store
// it for an allowed user, refuse a stranger once in a few words, ignore what is not for the relay.
// Every decision of the route is here, so the route only carries it out.
import type { Inbound, InboundButton } from "../channel";
import { parseUpdate } from "./update";

export type TelegramAccess = { allowed: ReadonlySet<string>; admins: ReadonlySet<string> };

/**
 * `store`: hand to the user's object (stored by `dedupeKey` before the 200). `welcome`: the first
 * message Telegram sends for a user (`/start`), answered with `WELCOME`, not passed to the agent as
 * a Claude Code command. `refuse`: a stranger's message, answered once in the chat; `refuse_tap`: a
 * stranger's tap, answered on the button. `ignore`: a group, an edit, a malformed update: 200 and
 * nothing stored, or Telegram sends it again.
 */
export type WebhookAction =
  | { action: "store"; inbound: Inbound; admin: boolean }
  | { action: "welcome"; chat: string; text: string }
  | { action: "refuse"; chat: string; from: string; text: string }
  | { action: "refuse_tap"; ackRef: string; text: string }
  | { action: "ignore"; reason: string };

export const WELCOME = "Hi! I relay your messages to your own coding agent. Write what you want done; /help lists the commands.";
export const NOT_ALLOWED = "This bot answers only the people its operator allowed. Ask them to add your Telegram id";

/** `/start` or `/start <payload>` (a t.me/yourbot?start=… link). */
const START = /^\/start(?:\s|$)/;

export function routeTelegramUpdate(body: unknown, access: TelegramAccess): WebhookAction {
  const parsed = parseUpdate(body);
  if (!parsed.ok) return { action: "ignore", reason: `${parsed.refused}: ${parsed.reason}` };
  const { inbound } = parsed;
  const admin = access.admins.has(inbound.from);
  if (!admin && !access.allowed.has(inbound.from)) {
    const text = `${NOT_ALLOWED} (${inbound.from}).`;
    return inbound.kind === "button" ? refuseTap(inbound, text) : { action: "refuse", chat: inbound.chat, from: inbound.from, text };
  }
  if (inbound.kind === "message" && inbound.media.length === 0 && START.test(inbound.text.trim())) return { action: "welcome", chat: inbound.chat, text: WELCOME };
  return { action: "store", inbound, admin };
}

function refuseTap(inbound: InboundButton, text: string): WebhookAction {
  return inbound.ackRef ? { action: "refuse_tap", ackRef: inbound.ackRef, text: text.slice(0, 200) } : { action: "ignore", reason: "a stranger's tap without an id to answer" };
}
