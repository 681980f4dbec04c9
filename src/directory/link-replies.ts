// What /link, /unlink and /notify answer. Pure: what happened comes in, one short text goes out.
import type { ChannelName, ChatAddress } from "../channels/channel";
import { CHANNEL_NAMES, CHANNELS } from "../channels/index";
import { linkReplies } from "../channels/link-code";
import { maskPhone } from "../shared/phone";
import { type DoorLink, type Doors, LINK_CONFIRM_TTL_MS, type LinkRefusal, type LinkRequest, type LinkSideName, type NotifyChoice, otherSide, ownDoorOf, sameChat } from "./link-doors";

const app = (channel: ChannelName): string => CHANNELS[channel].displayName;

/** A linked chat as replies show it: its app, and its address there. */
const shown = (chat: ChatAddress): string => `${app(chat.channel)} (${chat.chat})`;

/** The home's own door as replies show it: its app, and the home's number masked. */
const shownHome = (home: string): string => `${app(ownDoorOf(home).channel)} (${maskPhone(home)})`;

export const LINK_DIRECTORY_UNREACHABLE = "I couldn't reach the relay's directory just now: nothing changed. Try again in a minute.";

export function linkRefusedReply(reason: LinkRefusal): string {
  if (reason === "already_linked")
    return "These two chats can't be joined: one of them already reaches an agent together with another chat. /unlink there first. Nothing changed.";
  return linkReplies.refused(reason);
}

/** A chat of a link request as its asks show it: its app and account (a phone masked, as every reply shows one). */
const account = (chat: ChatAddress): string => `${app(chat.channel)} (${chat.channel === "whatsapp" ? maskPhone(chat.chat) : chat.chat})`;

const MINUTES = LINK_CONFIRM_TTL_MS / 60_000;
const ANSWER = `/link yes to confirm, /link no to refuse, within ${MINUTES} minutes; nothing is joined until both chats say yes.`;

/**
 * What side `side` of `r` is asked, naming the other chat's app and account: the chat whose agent
 * it is hears that someone else would use it; the chat that would join hears whose agent it reaches.
 */
export function linkAsk(r: LinkRequest, side: LinkSideName): string {
  const other = r[otherSide(side)].chat;
  return sameChat(r[side].chat, r.link.chat)
    ? `🔗 Link request: this chat would reach the agent of ${account(other)} instead of its own (yours stays, unused, until /unlink). ${ANSWER}`
    : `🔗 Link request: ${account(other)} would reach this agent, its conversations, files and budget, as you. ${ANSWER}`;
}

/** Side `side` said yes; the other has not yet. */
export const linkWaitingReply = (r: LinkRequest, side: LinkSideName): string => `Confirmed here; waiting for ${account(r[otherSide(side)].chat)} to send /link yes.`;
/** Said to the chat that said no, and to the other. */
export const LINK_REFUSED_HERE = "Not linked: nothing was joined.";
export const linkRefusedThereNotice = (r: LinkRequest, by: LinkSideName): string => `${account(r[by].chat)} said no: nothing was joined.`;
export const LINK_REQUEST_EXPIRED = `That link request has expired (${MINUTES} minutes): nothing was joined. /link in one app gives a new code.`;
export const NO_LINK_REQUEST = "No link request is waiting for this chat. /link gives a code to send from the other app.";
/** Told to the chat that would join, when the home's chat said the last yes. */
export const linkedThereNotice = (r: LinkRequest): string => `🔗 Linked: this chat now reaches the agent of ${account(ownDoorOf(r.link.home))}. /unlink separates them.`;

/** Asked for a code from a chat that already has its second door. */
export const LINK_ALREADY = `This agent already has ${CHANNEL_NAMES.map((c) => `a ${app(c)}`).join(" and ")} door. /unlink separates them; then /link gives a new code.`;

/**
 * Said in the chat that redeemed the code. The linked chat's own agent, if it had one, is not
 * merged: its conversations stay in it, unused, and come back on /unlink.
 */
export function linkedReply(l: DoorLink & { pausedTasks: number | null }): string {
  const tasks =
    l.pausedTasks === null
      ? " (Its scheduled tasks could not be paused just now: /unlink, then /schedules, shows them.)"
      : l.pausedTasks > 0
        ? ` Its ${l.pausedTasks} scheduled task${l.pausedTasks === 1 ? " is" : "s are"} paused; after /unlink, /schedule resume <id> starts ${l.pausedTasks === 1 ? "it" : "them"} again.`
        : "";
  return [
    `Linked: this agent now answers on ${shownHome(l.home)} and on ${shown(l.chat)}: the same conversations, sessions, schedules, budget and pages.`,
    `A reply goes to the chat you wrote from; a scheduled task's result to the chat that created it (/notify ${CHANNEL_NAMES.join("|")} picks one for all).`,
    `What the ${app(l.chat.channel)} chat had with an agent of its own before stays there, untouched, and comes back on /unlink.${tasks}`,
  ].join("\n");
}

/** Said in the home's own chat when the other chat made or ended the link. */
export function doorChangedNotice(linked: { now: ChatAddress | null; before: ChatAddress | null }): string | null {
  if (linked.now !== null && !sameChat(linked.now, linked.before)) return `🔗 ${shown(linked.now)} now reaches this agent too. /unlink separates them.`;
  if (linked.now === null && linked.before !== null) return `${shown(linked.before)} no longer reaches this agent.`;
  return null;
}

export function unlinkedReply(l: DoorLink): string {
  return `Unlinked: ${shownHome(l.home)} keeps this agent; ${shown(l.chat)} goes back to an agent of its own, with what it had before linking.`;
}

export const NOTHING_TO_UNLINK = "Nothing to unlink: this chat is not joined to another app's chat.";

export function notifyReply(choice: ChannelName | null, doors: Doors): string {
  const reached = CHANNEL_NAMES.filter((c) => doors.some((door) => door.channel === c));
  if (choice === null)
    return `Scheduled tasks' results go to the chat that created each task.${reached.length > 1 ? ` ${reached.map((c) => `/notify ${c}`).join(" or ")} sends them all to one app.` : " /link adds a chat of the other app."}`;
  return `Scheduled tasks' results go to ${app(choice)}. /notify default sends each to the chat that created it.`;
}

export function notifyChosenReply(choice: NotifyChoice, doors: Doors): string {
  return notifyReply(choice === "default" ? null : choice, doors);
}
