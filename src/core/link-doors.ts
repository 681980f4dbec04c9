// "One agent, two doors": which chats reach one agent, what a /link code joins, and where a
// scheduled task's result goes. Pure: the directory and the object load the rows and call these.
import type { ChannelName, ChatAddress } from "../channels/channel";
import { type LinkCode, redeemLinkCode } from "../channels/link-code";

import { telegramUserOf } from "../channels/user-names";

/**
 * The chats that reach the agent living in the object `home`: a phone's object has its WhatsApp
 * number and at most one linked Telegram chat; a Telegram user's own object has that chat only.
 */
export type Doors = { whatsapp: string | null; telegram: string | null };

export function doorsOf(home: string, linkedTelegram: string | null): Doors {
  const telegram = telegramUserOf(home);
  if (telegram !== null) return { whatsapp: null, telegram };
  return { whatsapp: home, telegram: linkedTelegram };
}

/** A stored code: what link-code.ts issues, plus the object of the chat that asked for it. */
export type StoredLinkCode = LinkCode & { home: string };

/** A link: this Telegram user's chat reaches the agent of this phone's object. */
export type DoorLink = { telegramUser: string; home: string };

export type LinkRefusal = "unknown" | "expired" | "same_channel" | "already_linked";
export type LinkDecision = { ok: true; link: DoorLink } | { ok: false; reason: LinkRefusal };

/** What the directory knows of existing links, asked by both sides of a new one. */
export type LinksLookup = { homeOfTelegram: (userId: string) => string | null; telegramOfHome: (home: string) => string | null };

/** Whether the chat `from` (landing in the object `home`) already has a door linked: then it may not ask for a code. */
export function alreadyLinked(from: ChatAddress, home: string, links: LinksLookup): boolean {
  return from.channel === "telegram" ? links.homeOfTelegram(from.chat) !== null : links.telegramOfHome(home) !== null;
}

/**
 * Redeeming `found` from the chat `from`, which landed in the object `fromHome`. The phone's object
 * stays the agent's home whichever app issued the code: the Telegram chat joins it.
 */
export function decideLink(found: StoredLinkCode | null, from: ChatAddress, fromHome: string, links: LinksLookup, now: number): LinkDecision {
  const redeemed = redeemLinkCode(found, from, now);
  if (!redeemed.ok) return redeemed;
  const { existing, joining } = redeemed.join;
  const home = existing.channel === "whatsapp" ? found!.home : fromHome;
  const telegramUser = existing.channel === "telegram" ? existing.chat : joining.chat;
  if (links.homeOfTelegram(telegramUser) !== null || links.telegramOfHome(home) !== null) return { ok: false, reason: "already_linked" };
  return { ok: true, link: { telegramUser, home } };
}

/** `/notify default` goes back to "the chat that created the task". */
export type NotifyChoice = ChannelName | "default";

/** Why `choice` cannot be where results go (that app has no chat reaching this agent), or null. */
export function notifyRefusal(choice: NotifyChoice, doors: Doors): string | null {
  if (choice === "default" || doors[choice] !== null) return null;
  return choice === "telegram"
    ? "No Telegram chat reaches this agent: send /link here, then the code from Telegram. Nothing changed."
    : "No WhatsApp number reaches this agent: send /link here, then the code from WhatsApp. Nothing changed.";
}

/** Where a message goes, as the messages table records it: WhatsApp's chat null is the home's own number. */
export type Destination = { channel: ChannelName; chat: string | null };

function doorOf(channel: ChannelName, doors: Doors): Destination | null {
  if (channel === "whatsapp") return doors.whatsapp === null ? null : { channel, chat: null };
  return doors.telegram === null ? null : { channel, chat: doors.telegram };
}

/**
 * Where a scheduled task's result goes: the app `/notify` picked, when it still reaches the agent;
 * else the chat that created the task, while it still does; else the home's own door.
 */
export function scheduleDestination(t: { createdIn: Destination | null; notify: ChannelName | null; doors: Doors }): Destination {
  const picked = t.notify && doorOf(t.notify, t.doors);
  if (picked) return picked;
  const created = t.createdIn && doorOf(t.createdIn.channel, t.doors);
  if (created && (t.createdIn!.channel === "whatsapp" || created.chat === t.createdIn!.chat)) return created;
  return doorOf("whatsapp", t.doors) ?? doorOf("telegram", t.doors)!;
}

/** The chat a message landed from, as a ChatAddress: a source without a chat is the home's own door. */
export function chatOf(home: string, source: Destination | null | undefined): ChatAddress {
  if (source?.chat) return { channel: source.channel, chat: source.chat };
  const doors = doorsOf(home, null);
  return doors.whatsapp !== null ? { channel: "whatsapp", chat: doors.whatsapp } : { channel: "telegram", chat: doors.telegram! };
}

/** The home's /notify choice once its Telegram door is `telegram`: a choice of a door that is gone falls back to the default. */
export function notifyAfterDoorChange(notify: ChannelName | null, telegram: string | null): ChannelName | null {
  return notify === "telegram" && telegram === null ? null : notify;
}
