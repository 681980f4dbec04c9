// What /link, /unlink and /notify answer. Pure: what happened comes in, one short text goes out.
import type { ChannelName } from "../../channels/channel";
import { linkReplies } from "../../channels/link-code";
import { maskPhone } from "../phone";
import type { Doors, LinkRefusal, NotifyChoice } from "../link-doors";

const APP: Readonly<Record<ChannelName, string>> = { whatsapp: "WhatsApp", telegram: "Telegram" };

export const LINK_DIRECTORY_UNREACHABLE = "I couldn't reach the relay's directory just now: nothing changed. Try again in a minute.";

export function linkRefusedReply(reason: LinkRefusal): string {
  if (reason === "already_linked")
    return "These two chats can't be joined: one of them already reaches an agent together with another chat. /unlink there first. Nothing changed.";
  return linkReplies.refused(reason);
}

/** Asked for a code from a chat that already has its second door. */
export const LINK_ALREADY = "This agent already has a WhatsApp and a Telegram door. /unlink separates them; then /link gives a new code.";

/**
 * Said in the chat that redeemed the code. The Telegram user's own agent, if they had one, is not
 * merged: its conversations stay in it, unused, and come back on /unlink.
 */
export function linkedReply(l: { home: string; telegramUser: string; pausedTasks: number | null }): string {
  const tasks =
    l.pausedTasks === null
      ? " (Its scheduled tasks could not be paused just now: /unlink, then /schedules, shows them.)"
      : l.pausedTasks > 0
        ? ` Its ${l.pausedTasks} scheduled task${l.pausedTasks === 1 ? " is" : "s are"} paused; after /unlink, /schedule resume <id> starts ${l.pausedTasks === 1 ? "it" : "them"} again.`
        : "";
  return [
    `Linked: this agent now answers on WhatsApp (${maskPhone(l.home)}) and on Telegram (${l.telegramUser}): the same conversations, sessions, schedules, budget and pages.`,
    "A reply goes to the chat you wrote from; a scheduled task's result to the chat that created it (/notify whatsapp|telegram picks one for all).",
    `What the Telegram chat had with an agent of its own before stays there, untouched, and comes back on /unlink.${tasks}`,
  ].join("\n");
}

/** Said in the home's own chat when the other chat made or ended the link. */
export function doorChangedNotice(telegram: { now: string | null; before: string | null }): string | null {
  if (telegram.now !== null && telegram.now !== telegram.before) return `🔗 Telegram (${telegram.now}) now reaches this agent too. /unlink separates them.`;
  if (telegram.now === null && telegram.before !== null) return `Telegram (${telegram.before}) no longer reaches this agent.`;
  return null;
}

export function unlinkedReply(l: { home: string; telegramUser: string }): string {
  return `Unlinked: WhatsApp (${maskPhone(l.home)}) keeps this agent; Telegram (${l.telegramUser}) goes back to an agent of its own, with what it had before linking.`;
}

export const NOTHING_TO_UNLINK = "Nothing to unlink: this chat is not joined to another app's chat.";

export function notifyReply(choice: ChannelName | null, doors: Doors): string {
  const both = doors.whatsapp !== null && doors.telegram !== null;
  if (choice === null)
    return `Scheduled tasks' results go to the chat that created each task.${both ? " /notify whatsapp or /notify telegram sends them all to one app." : " /link adds a chat of the other app."}`;
  return `Scheduled tasks' results go to ${APP[choice]}. /notify default sends each to the chat that created it.`;
}

export function notifyChosenReply(choice: NotifyChoice, doors: Doors): string {
  return notifyReply(choice === "default" ? null : choice, doors);
}
