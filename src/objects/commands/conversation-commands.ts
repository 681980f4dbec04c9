// What the conversation commands do: /new, /sessions, /switch, /rename, /delete, /deep, /end,
// /git. Each reads and writes rows only (inside the command's transaction) and says what, if
// anything, the VM must do once the webhook has its answer (clone, delete a directory).
import { DEEP_MODE_MS } from "../units/conversations";
import type { AdminRequest } from "../../core/command-admin";
import { formatAgo, formatUsd } from "../../core/format-ago";
import { outboxKeys } from "../../core/outbox-keys";
import { maskPhone } from "../../core/phone";
import type { MessagesRepo } from "../db/messages-repo";
import type { RunsRepo } from "../db/runs-repo";
import type { SchedulesRepo } from "../db/schedules-repo";
import type { SettingsRepo } from "../db/settings-repo";
import type { SpendRepo } from "../db/spend-repo";
import type { Conversations } from "../units/conversations";

/** What the VM must do after the command's transaction (never inside the webhook). */
export type VmAction =
  | { kind: "cancel"; vmRunId: string }
  /** `detail`: the VM's configuration problem in words (admins); users hear only that it can't run. */
  | { kind: "health"; detail: boolean }
  | { kind: "clone"; conversationId: number; workspace: string; url: string; branch: string | null }
  | { kind: "delete_workspace"; workspace: string }
  /** `/approvals forget`: the rules "always" wrote into the project's Claude Code settings. */
  | { kind: "forget_rules"; workspace: string; conversation: string }
  /** An admin's /users, /allow, /deny, /budget: the directory and other users' objects, then the reply. */
  | { kind: "admin"; request: AdminRequest };

export type Reply = { text: string; after: VmAction | null };

export type ConversationCommandDeps = {
  conversations: Conversations;
  /** Turns and cost per conversation are the sums of its days. */
  spend: Pick<SpendRepo, "totals">;
  runs: RunsRepo;
  messages: MessagesRepo;
  schedules: SchedulesRepo;
  settings: SettingsRepo;
  /** A new, unused workspace id for the VM. */
  newWorkspaceId: () => string;
};


const say = (text: string): Reply => ({ text, after: null });

/** `/new` alone and `/clear`: a fresh session in the current conversation's project. */
export function startFreshSession(d: ConversationCommandDeps, now: number): Reply {
  const current = d.conversations.current();
  if (!current) return say("There is no current conversation. /sessions lists them.");
  d.conversations.recordSession(current.id, null);
  // A live run of this conversation must not bring its session back, nor take the next messages.
  const run = d.runs.open();
  if (run && run.conversationId === current.id && run.context === "chat") d.runs.detachFromConversation(run.id, now);
  return say(`Your next message in ${current.name} starts a fresh agent session, in the same project; the earlier context is set aside.`);
}

export function createConversation(d: ConversationCommandDeps, name: string, repo: { url: string; branch: string | null } | null, now: number): Reply {
  const taken = d.conversations.repo.byName(name);
  if (taken) return say(`There is already a conversation named ${taken.name}. /switch ${taken.name} makes it current.`);
  const workspace = d.newWorkspaceId();
  if (!repo) {
    const created = d.conversations.repo.create({ name, workspace, repoUrl: null, branch: null, status: "ready", now });
    d.conversations.makeCurrent(created.id);
    return say(`New conversation ${name}, with an empty project. It is current now; /sessions lists them all.`);
  }
  // It becomes current once the clone has worked; until then nothing can be sent to it.
  const created = d.conversations.repo.create({ name, workspace, repoUrl: repo.url, branch: repo.branch, status: "cloning", now });
  return { text: `Cloning ${repo.url}${repo.branch ? ` (${repo.branch})` : ""} into ${name}…`, after: { kind: "clone", conversationId: created.id, workspace, ...repo } };
}

export function listConversations(d: ConversationCommandDeps, now: number): string {
  const currentId = d.conversations.currentId();
  const run = d.runs.open();
  const queued = d.messages.queuedByConversation();
  const totals = d.spend.totals();
  const written = d.messages.lastWrittenByConversation();
  const lines = d.conversations.repo.list().map((c, i) => {
    const marks = [
      c.id === currentId ? "← current" : null,
      c.status === "cloning" ? "cloning…" : null,
      run?.conversationId === c.id ? "running" : null,
      queued.get(c.id) ? `${queued.get(c.id)} queued` : null,
      c.deepUntil !== null && c.deepUntil > now ? "deep" : null,
    ].filter((m) => m !== null);
    const repo = c.repoUrl ? ` (${shortRepo(c.repoUrl)}${c.branch ? ` @ ${c.branch}` : ""})` : "";
    const { turns, costUsd } = totals.get(c.id) ?? { turns: 0, costUsd: 0 };
    const activeAt = Math.max(c.lastActiveAt, written.get(c.id) ?? 0);
    const stats = `${turns} turn${turns === 1 ? "" : "s"} · ${formatUsd(costUsd)} · active ${formatAgo(activeAt, now)}`;
    return `${i + 1}. ${c.name}${repo}${marks.length > 0 ? ` ${marks.join(" · ")}` : ""} · ${stats}`;
  });
  return ["Your conversations:", ...lines, "/switch <name or number> · @<name> <text> · /new <name> [git-url]"].join("\n");
}

export function switchConversation(d: ConversationCommandDeps, target: string): string {
  const all = d.conversations.repo.list();
  const found = /^\d+$/.test(target) ? all[Number(target) - 1] : d.conversations.repo.byName(target);
  if (!found) return `There is no conversation ${/^\d+$/.test(target) ? `number ${target}` : `named ${target}`}. /sessions lists them.`;
  if (found.status === "cloning") return `${found.name} is still being cloned; I'll tell you when it is ready.`;
  if (found.id === d.conversations.currentId()) return `${found.name} is already the current conversation.`;
  d.conversations.makeCurrent(found.id);
  return `Switched to ${found.name}. Plain messages go there now.`;
}

export function renameConversation(d: ConversationCommandDeps, name: string): string {
  const current = d.conversations.current();
  if (!current) return "There is no current conversation. /sessions lists them.";
  const taken = d.conversations.repo.byName(name);
  if (taken && taken.id !== current.id) return `There is already a conversation named ${taken.name}.`;
  d.conversations.repo.rename(current.id, name);
  return `Renamed ${current.name} to ${name}.`;
}

/**
 * `/delete <name> [yes]`. Refused for the current conversation, one with a run or messages
 * waiting, and one with scheduled tasks (they would run in a project that no longer exists:
 * the user deletes or moves them first, deliberately).
 */
export function deleteConversation(d: ConversationCommandDeps, name: string, confirmed: boolean): Reply {
  const found = d.conversations.repo.byName(name);
  if (!found) return say(`There is no conversation named ${name}. /sessions lists them.`);
  if (found.id === d.conversations.currentId()) return say(`${found.name} is the current conversation: /switch to another one first.`);
  if (found.status === "cloning") return say(`${found.name} is still being cloned; delete it once that is done.`);
  if (d.runs.open()?.conversationId === found.id) return say(`${found.name} has a run in progress: wait for it, or /switch to it and /stop it.`);
  if (d.messages.queuedByConversation().get(found.id)) return say(`${found.name} has messages waiting to be answered: wait for them first.`);
  const tasks = d.schedules.liveOf(found.id);
  if (tasks.length > 0) return say(`${found.name} has scheduled tasks (#${tasks.join(", #")}): delete them first with /schedule delete <id>.`);
  if (!confirmed) return say(`Delete ${found.name} and its project directory, with any work not pushed? Send /delete ${found.name} yes.`);
  d.conversations.repo.delete(found.id);
  return { text: `Deleted ${found.name} and its project directory.`, after: { kind: "delete_workspace", workspace: found.workspace } };
}

export function setDeepMode(d: ConversationCommandDeps, on: boolean, now: number): string {
  const current = d.conversations.current();
  if (!current) return "There is no current conversation. /sessions lists them.";
  d.conversations.repo.setDeepUntil(current.id, on ? now + DEEP_MODE_MS : null);
  return on
    ? `Deep mode on for ${current.name}: its agent stays running between messages, for 2 h after each use, so follow-ups go straight in. /end stops it.`
    : `Deep mode off for ${current.name}: its agent stops soon after each answer, and resumes the session on the next message.`;
}

/** Who the agent commits as: what the user set, or a name that says where it came from. */
export function gitIdentityOf(settings: SettingsRepo, phone: string): { name: string; email: string } {
  const digits = maskPhone(phone).replace(/\D|\*/g, (c) => (c === "*" ? "x" : ""));
  return { name: settings.get("git_name") ?? "WhatsApp agent", email: settings.get("git_email") ?? `${digits}@users.noreply.invalid` };
}

export function gitCommand(d: ConversationCommandDeps, phone: string, set: { field: "name" | "email"; value: string } | null): string {
  if (set) d.settings.set(set.field === "name" ? "git_name" : "git_email", set.value);
  const who = gitIdentityOf(d.settings, phone);
  const prefix = set ? `Your agent's commits are now by` : "Your agent commits as";
  return `${prefix} ${who.name} <${who.email}>. Change with /git name <name> and /git email <email>.`;
}

function shortRepo(url: string): string {
  return url.replace(/^https:\/\//, "").replace(/^git@([^:]+):/, "$1/").replace(/\.git$/, "");
}

export type CloneResult = { ok: true; branch: string | null; files: number; ms: number } | { ok: false; message: string };

/**
 * How a clone ended: the conversation is ready and current, or it is gone (no half-made
 * conversation is left). Said once. False when the clone was already settled (or timed out).
 */
export function finishClone(
  d: { conversations: Conversations; outbox: { add(m: { dedupeKey: string; body: string; now: number }): boolean } },
  conversationId: number,
  result: CloneResult,
  now: number,
): boolean {
  const c = d.conversations.repo.get(conversationId);
  if (!c || c.status !== "cloning") return false;
  const dedupeKey = outboxKeys.cloneDone(c.workspace);
  if (result.ok) {
    d.conversations.repo.markCloned(c.id, result.branch, now);
    d.conversations.makeCurrent(c.id);
    const seconds = Math.max(1, Math.round(result.ms / 1000));
    const text = `Cloned ${c.name} (${result.branch ?? "default branch"}, ${result.files.toLocaleString("en-US")} files) in ${seconds} s. It is your current conversation now.`;
    d.outbox.add({ dedupeKey, body: text, now });
  } else {
    d.conversations.repo.delete(c.id);
    d.outbox.add({ dedupeKey, body: `⚠️ Couldn't clone into ${c.name}: ${result.message} Nothing was created.`, now });
  }
  return true;
}
