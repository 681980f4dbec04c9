// /link, /link CODE and /unlink, carried out after the webhook's answer: the directory keeps codes
// and links; the home keeps the chat linked to it and its /notify choice in its settings.
import type { ChatAddress } from "../../channels/channel";
import { linkReplies, type LinkCode } from "../../channels/link-code";
import { type DoorLink, doorsOf, type LinkDecision, type NotifyChoice, notifyAfterDoorChange, notifyRefusal, otherChannels } from "../../core/link-doors";
import { userNameOf } from "../../channels/user-names";
import type { Log } from "../../core/log";
import { linkedChatOf, notifyChannelOf, setLinkedChat, type SettingsRepo } from "../db/settings-repo";
import type { SchedulesRepo } from "../db/schedules-repo";
import { LINK_ALREADY, LINK_DIRECTORY_UNREACHABLE, linkedReply, linkRefusedReply, NOTHING_TO_UNLINK, notifyChosenReply, notifyReply, unlinkedReply } from "../../core/replies/link";

/** What a /link or /unlink asks of the object after its transaction. */
export type LinkAction = { kind: "link"; code: string | null; from: ChatAddress } | { kind: "unlink"; from: ChatAddress };

type DirectoryApi = {
  issueLinkCode(home: string, from: ChatAddress): Promise<LinkCode | null> | LinkCode | null;
  redeemLinkCode(code: string, from: ChatAddress, fromHome: string): Promise<LinkDecision> | LinkDecision;
  unlink(home: string, from: ChatAddress): Promise<DoorLink | null> | DoorLink | null;
};

export type LinkActionDeps = {
  /** The object this ran in: where the chat's message landed. */
  self: string;
  directory: DirectoryApi;
  /** Tells the home `home` the chat linked to it (null: none): itself, or another object by RPC. */
  setLinkedChat: (home: string, chat: ChatAddress | null) => Promise<void>;
  /** Pauses the active tasks of `object` (a linked chat's own user's, once their chat joined another agent): how many. */
  pauseTasksOf: (object: string) => Promise<number>;
  log: Log;
};

export async function carryOutLink(d: LinkActionDeps, action: LinkAction): Promise<string> {
  try {
    if (action.kind === "unlink") return await unlink(d, action.from);
    if (action.code === null) {
      const code = await d.directory.issueLinkCode(d.self, action.from);
      return code ? linkReplies.issued(code, otherChannels(action.from.channel)[0]!) : LINK_ALREADY;
    }
    const decision = await d.directory.redeemLinkCode(action.code, action.from, d.self);
    if (!decision.ok) return linkRefusedReply(decision.reason);
    await tellHome(d, decision.link.home, decision.link.chat);
    return linkedReply({ ...decision.link, pausedTasks: await pauseOwnAgentTasks(d, decision.link.chat) });
  } catch (error) {
    d.log("link_failed", { action: action.kind, error: error instanceof Error ? error.message : String(error) });
    return LINK_DIRECTORY_UNREACHABLE;
  }
}

async function unlink(d: LinkActionDeps, from: ChatAddress): Promise<string> {
  const removed = await d.directory.unlink(d.self, from);
  if (!removed) return NOTHING_TO_UNLINK;
  await tellHome(d, removed.home, null);
  return unlinkedReply(removed);
}

/** The directory's link is the truth; the home's copy only picks where schedules' results go, so a failure here is logged, not undone. */
async function tellHome(d: LinkActionDeps, home: string, chat: ChatAddress | null): Promise<void> {
  try {
    await d.setLinkedChat(home, chat);
  } catch (error) {
    d.log("link_home_unreachable", { home, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * The linked chat's own agent keeps its rows, but its tasks would go on reporting to a chat that
 * now reaches another agent, where /schedule can no longer manage them: they pause. Null: it did not answer.
 */
async function pauseOwnAgentTasks(d: LinkActionDeps, chat: ChatAddress): Promise<number | null> {
  try {
    return await d.pauseTasksOf(userNameOf(chat));
  } catch (error) {
    d.log("link_pause_failed", { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/** Pauses every active task (a linked chat's own agent, once linked): how many. */
export function pauseAllTasks(schedules: Pick<SchedulesRepo, "list" | "setNext">, now: number): number {
  const active = schedules.list().filter((t) => t.status === "active");
  for (const t of active) schedules.setNext(t.id, "paused", null, now);
  return active.length;
}

/** In the home `home`: the chat linked to it as the directory now has it, and a /notify choice that no longer has a door reset. */
export function applyLinkedChat(settings: Pick<SettingsRepo, "get" | "set">, home: string, chat: ChatAddress | null): { before: ChatAddress | null } {
  const before = linkedChatOf(settings);
  setLinkedChat(settings, chat);
  settings.set("notify_channel", notifyAfterDoorChange(notifyChannelOf(settings), doorsOf(home, chat)));
  return { before };
}

/** /notify [choice] in the home `home`: shows or sets where scheduled tasks' results go; a choice with no door changes nothing. */
export function notifyCommand(settings: Pick<SettingsRepo, "get" | "set">, home: string, choice: NotifyChoice | null): string {
  const doors = doorsOf(home, linkedChatOf(settings));
  if (choice === null) return notifyReply(notifyChannelOf(settings), doors);
  const refused = notifyRefusal(choice, doors);
  if (refused) return refused;
  settings.set("notify_channel", choice === "default" ? null : choice);
  return notifyChosenReply(choice, doors);
}
