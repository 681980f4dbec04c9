// "One agent, two doors": which chats reach one agent, what a /link code joins, and where a
// scheduled task's result goes. Pure: the directory and the object load the rows and call these.
import type { ChannelName, ChatAddress } from "../channels/channel";
import { homeChatOf } from "../channels/home-chat";
import { CHANNEL_NAMES, CHANNELS } from "../channels/index";
import { type LinkCode, redeemLinkCode } from "../channels/link-code";
import { type ConfiguredAdmins, isConfiguredAdmin, userNameOf } from "../channels/user-names";

/** Whether two addresses name the same chat. */
export function sameChat(a: ChatAddress | null, b: ChatAddress | null): boolean {
  return a === b || (a !== null && b !== null && a.channel === b.channel && a.chat === b.chat);
}

/** The home's own door: the chat of the user the object is named after (a phone's: its number). */
export function ownDoorOf(home: string): ChatAddress {
  const own = homeChatOf(home);
  // homeChatOf records a phone's own chat as null: the object's name is that chat.
  return { channel: own.channel, chat: own.chat ?? home };
}

/**
 * The chats that reach the agent living in the object `home`: its own door first, then the chat a
 * link joined to it, which is always of another channel (one door per channel).
 */
export type Doors = readonly [own: ChatAddress, ...linked: ChatAddress[]];

export function doorsOf(home: string, linked: ChatAddress | null): Doors {
  const own = ownDoorOf(home);
  return linked !== null && linked.channel !== own.channel ? [own, linked] : [own];
}

/** The door on `channel`, or null when none of this agent's chats is on it. */
export function doorOn(channel: ChannelName, doors: Doors): ChatAddress | null {
  return doors.find((door) => door.channel === channel) ?? null;
}


/** The channels other than `channel`: where a /link code issued on it is to be sent from. */
export function otherChannels(channel: ChannelName): ChannelName[] {
  return CHANNEL_NAMES.filter((c) => c !== channel);
}

/** A stored code: what link-code.ts issues, plus the object of the chat that asked for it. */
export type StoredLinkCode = LinkCode & { home: string };

/** A link: the chat `chat` reaches the agent of the object `home` (whose own door is of another channel). */
export type DoorLink = { chat: ChatAddress; home: string };

export type LinkRefusal = "unknown" | "expired" | "same_channel" | "already_linked";
export type LinkDecision = { ok: true; link: DoorLink } | { ok: false; reason: LinkRefusal };

/** What the directory knows of existing links, asked by both sides of a new one. */
export type LinksLookup = {
  /** The home a chat was joined to, or null when no link joins it. */
  homeOf: (chat: ChatAddress) => string | null;
  /** The chat joined to the home `home`, or null. */
  linkedTo: (home: string) => ChatAddress | null;
};

/** Whether the chat `from` (landing in the object `home`) is part of a link already: then it may not ask for a code. */
export function alreadyLinked(from: ChatAddress, home: string, links: LinksLookup): boolean {
  return links.homeOf(from) !== null || links.linkedTo(home) !== null;
}

/**
 * Redeeming `found` from the chat `from`, which landed in the object `fromHome`. Whichever app
 * issued the code, the object of the chat whose channel comes first in CHANNEL_NAMES (a phone's)
 * stays the agent's home, and the other chat joins it.
 */
export function decideLink(found: StoredLinkCode | null, from: ChatAddress, fromHome: string, links: LinksLookup, now: number): LinkDecision {
  const redeemed = redeemLinkCode(found, from, now);
  if (!redeemed.ok) return redeemed;
  const { existing, joining } = redeemed.join;
  const existingIsHome = CHANNEL_NAMES.indexOf(existing.channel) < CHANNEL_NAMES.indexOf(joining.channel);
  const link = existingIsHome ? { chat: joining, home: found!.home } : { chat: existing, home: fromHome };
  if (links.homeOf(link.chat) !== null || links.linkedTo(link.home) !== null) return { ok: false, reason: "already_linked" };
  return { ok: true, link };
}

/**
 * A redeemed code does not join anything yet: both chats are asked first, each told the other's
 * app and account (so a person talked into sending someone else's code sees whose agent it is),
 * and both must say /link yes within this long. No answer in time, or a /link no, joins nothing.
 */
export const LINK_CONFIRM_TTL_MS = 10 * 60_000;

/** One side of a link request: a chat, and the object it lands in now (its own user's: it is not linked). */
export type LinkSide = { chat: ChatAddress; home: string };
export type LinkSideName = "issuer" | "redeemer";

/** A redeemed code waiting for both chats' yes: the link it would make (decideLink's), and who said yes so far. */
export type LinkRequest = {
  code: string;
  issuer: LinkSide;
  redeemer: LinkSide;
  link: DoorLink;
  confirmed: Readonly<Record<LinkSideName, boolean>>;
  expiresAt: number;
};

/** The request a redeemed code opens: nobody has confirmed, not even the chat that sent the code. */
export function openLinkRequest(found: StoredLinkCode, redeemer: LinkSide, link: DoorLink, now: number): LinkRequest {
  return { code: found.code, issuer: { chat: found.issuedBy, home: found.home }, redeemer, link, confirmed: { issuer: false, redeemer: false }, expiresAt: now + LINK_CONFIRM_TTL_MS };
}

/** Which side of `request` the chat `from` is, or null. */
export function sideOf(request: LinkRequest, from: ChatAddress): LinkSideName | null {
  return sameChat(request.issuer.chat, from) ? "issuer" : sameChat(request.redeemer.chat, from) ? "redeemer" : null;
}

export const otherSide = (side: LinkSideName): LinkSideName => (side === "issuer" ? "redeemer" : "issuer");

/**
 * `/link yes` or `/link no` from `from`, to the request it is part of (null: none). What the
 * directory does with the request (`store`) and what is said. A yes from both sides, in time, with
 * neither chat linked meanwhile, joins them; anything else joins nothing.
 */
export type LinkAnswer =
  | { outcome: "none"; store: "keep" }
  | { outcome: "expired" | "refused" | "already_linked"; request: LinkRequest; by: LinkSideName; store: "delete" }
  | { outcome: "waiting"; request: LinkRequest; by: LinkSideName; store: "update" }
  | { outcome: "linked"; request: LinkRequest; by: LinkSideName; store: "delete" };

export function answerLinkRequest(request: LinkRequest | null, from: ChatAddress, yes: boolean, links: LinksLookup, now: number): LinkAnswer {
  const by = request && sideOf(request, from);
  if (!request || !by) return { outcome: "none", store: "keep" };
  if (now >= request.expiresAt) return { outcome: "expired", request, by, store: "delete" };
  if (!yes) return { outcome: "refused", request, by, store: "delete" };
  const confirmed = { ...request.confirmed, [by]: true };
  const next = { ...request, confirmed };
  if (!confirmed.issuer || !confirmed.redeemer) return { outcome: "waiting", request: next, by, store: "update" };
  if (links.homeOf(request.link.chat) !== null || links.linkedTo(request.link.home) !== null) return { outcome: "already_linked", request: next, by, store: "delete" };
  return { outcome: "linked", request: next, by, store: "delete" };
}

/** `/notify default` goes back to "the chat that created the task". */
export type NotifyChoice = ChannelName | "default";

/** Why `choice` cannot be where results go (that app has no chat reaching this agent), or null. */
export function notifyRefusal(choice: NotifyChoice, doors: Doors): string | null {
  if (choice === "default" || doorOn(choice, doors) !== null) return null;
  const { displayName, chatNoun } = CHANNELS[choice];
  return `No ${displayName} ${chatNoun} reaches this agent: send /link here, then the code from ${displayName}. Nothing changed.`;
}

/** Where a message goes, as the messages table records it: chat null is the home's own chat (homeChatOf). */
export type Destination = { channel: ChannelName; chat: string | null };

/** A door as messages record it: the home's own door as homeChatOf has it, a linked chat as it is. */
function destinationOf(door: ChatAddress, doors: Doors): Destination {
  return door === doors[0] ? homeChatOf(userNameOf(door)) : door;
}

/**
 * Where a scheduled task's result goes: the app `/notify` picked, when it still reaches the agent;
 * else the chat that created the task, while it still does; else the home's own door.
 */
export function scheduleDestination(t: { createdIn: Destination | null; notify: ChannelName | null; doors: Doors }): Destination {
  const picked = t.notify && doorOn(t.notify, t.doors);
  if (picked) return destinationOf(picked, t.doors);
  const created = t.createdIn && doorOn(t.createdIn.channel, t.doors);
  // On the home's own channel every message is the home's own chat; a linked chat must be the same one.
  if (created && (created === t.doors[0] || created.chat === t.createdIn!.chat)) return destinationOf(created, t.doors);
  return destinationOf(t.doors[0], t.doors);
}

/** The chat a message landed from, as a ChatAddress: a source without a chat is the home's own door. */
export function chatOf(home: string, source: Destination | null | undefined): ChatAddress {
  return source?.chat ? { channel: source.channel, chat: source.chat } : ownDoorOf(home);
}

/**
 * Whether the chat a message came from may run admin commands: by that chat's own configuration
 * (ADMIN_SENDERS for a phone, ADMIN_TELEGRAM_USERS for a Telegram user), never by the home's. A
 * link joins a chat to an admin's agent, not to the admin's rights.
 */
export function chatIsAdmin(config: ConfiguredAdmins | null, chat: ChatAddress): boolean {
  return isConfiguredAdmin(config, userNameOf(chat));
}

/** The home's /notify choice once its doors are `doors`: a choice of a channel with no door left falls back to the default. */
export function notifyAfterDoorChange(notify: ChannelName | null, doors: Doors): ChannelName | null {
  return notify !== null && doorOn(notify, doors) === null ? null : notify;
}
