// /link, /link CODE, /link yes|no and /unlink, carried out after the webhook's answer: the
// directory keeps codes, requests and links; the home keeps the chat linked to it and its /notify
// choice in its settings. A code redeemed joins nothing: both chats are asked (each told the other's
// app and account), and the link is made once both said /link yes.
import type { ChatAddress } from "../channels/channel";
import { linkReplies, type LinkCode } from "../channels/link-code";
import { type DoorLink, doorsOf, type LinkAnswer, type LinkRefusal, type LinkRequest, type NotifyChoice, notifyAfterDoorChange, notifyRefusal, otherChannels, otherSide, sameChat } from "./link-doors";
import { userNameOf } from "../channels/user-names";
import type { Log } from "../shared/log";
import type { SettingsRepo } from "../config/settings-repo";
import { linkedChatOf, notifyChannelOf, setLinkedChat } from "../channels/chat-settings";
import {
  LINK_ALREADY,
  LINK_DIRECTORY_UNREACHABLE,
  LINK_REFUSED_HERE,
  LINK_REQUEST_EXPIRED,
  linkAsk,
  linkedReply,
  linkedThereNotice,
  linkRefusedReply,
  linkRefusedThereNotice,
  linkWaitingReply,
  NO_LINK_REQUEST,
  NOTHING_TO_UNLINK,
  notifyChosenReply,
  notifyReply,
  unlinkedReply,
} from "./link-replies";

/** What a /link or /unlink asks of the object after its transaction. */
export type LinkAction = { kind: "link"; code: string | null; from: ChatAddress } | { kind: "link_answer"; yes: boolean; from: ChatAddress } | { kind: "unlink"; from: ChatAddress };

type Redeemed = { ok: true; request: LinkRequest } | { ok: false; reason: LinkRefusal };

type DirectoryApi = {
  issueLinkCode(home: string, from: ChatAddress): Promise<LinkCode | null> | LinkCode | null;
  redeemLinkCode(code: string, from: ChatAddress, fromHome: string): Promise<Redeemed> | Redeemed;
  answerLink(from: ChatAddress, yes: boolean): Promise<LinkAnswer> | LinkAnswer;
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
  /** Queues `body` once (by `key`) for the own chat of the object `home`: this one, or another by RPC. */
  tell: (home: string, key: string, body: string) => Promise<void>;
  /** The outbox's key of a notice about link request `code` (outbox/outbox-keys.ts, where every key is built): one per request and step. */
  keys: { linkRequest(code: string, what: "ask" | "refused" | "linked"): string };
  log: Log;
};

export async function carryOutLink(d: LinkActionDeps, action: LinkAction): Promise<string> {
  try {
    if (action.kind === "unlink") return await unlink(d, action.from);
    if (action.kind === "link_answer") return await answer(d, await d.directory.answerLink(action.from, action.yes));
    if (action.code === null) {
      const code = await d.directory.issueLinkCode(d.self, action.from);
      return code ? linkReplies.issued(code, otherChannels(action.from.channel)[0]!) : LINK_ALREADY;
    }
    const redeemed = await d.directory.redeemLinkCode(action.code, action.from, d.self);
    if (!redeemed.ok) return linkRefusedReply(redeemed.reason);
    // The chat that made the code is asked in its own object; this one in the reply.
    await tellSafely(d, redeemed.request.issuer.home, d.keys.linkRequest(redeemed.request.code, "ask"), linkAsk(redeemed.request, "issuer"));
    return linkAsk(redeemed.request, "redeemer");
  } catch (error) {
    d.log("link_failed", { action: action.kind, error: error instanceof Error ? error.message : String(error) });
    return LINK_DIRECTORY_UNREACHABLE;
  }
}

/** What a /link yes or /link no did; the other chat is told of a no, and of the link when its chat is not the home's (which setLinkedChat tells). */
async function answer(d: LinkActionDeps, a: LinkAnswer): Promise<string> {
  switch (a.outcome) {
    case "none":
      return NO_LINK_REQUEST;
    case "expired":
      return LINK_REQUEST_EXPIRED;
    case "already_linked":
      return linkRefusedReply("already_linked");
    case "waiting":
      return linkWaitingReply(a.request, a.by);
    case "refused": {
      const other = a.request[otherSide(a.by)];
      await tellSafely(d, other.home, d.keys.linkRequest(a.request.code, "refused"), linkRefusedThereNotice(a.request, a.by));
      return LINK_REFUSED_HERE;
    }
    case "linked": {
      const { link } = a.request;
      await tellHome(d, link.home, link.chat);
      const joining = sameChat(a.request.issuer.chat, link.chat) ? a.request.issuer : a.request.redeemer;
      if (joining.home !== d.self) await tellSafely(d, joining.home, d.keys.linkRequest(a.request.code, "linked"), linkedThereNotice(a.request));
      return linkedReply({ ...link, pausedTasks: await pauseOwnAgentTasks(d, link.chat) });
    }
  }
}

/** A notice to the other chat: a failure is logged; the answer here still stands. */
async function tellSafely(d: LinkActionDeps, home: string, key: string, body: string): Promise<void> {
  try {
    await d.tell(home, key, body);
  } catch (error) {
    d.log("link_tell_failed", { home, error: error instanceof Error ? error.message : String(error) });
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
