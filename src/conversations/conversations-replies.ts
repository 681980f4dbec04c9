// What the conversation commands (/new, /sessions, /switch, /rename, /delete, /deep, /end, /git)
// say, what a clone says when it ends, and why text for the agent cannot go where it is
// addressed. Pure: the facts come in, the text goes out.
import { formatAgo, formatUsd } from "../shared/format-ago";

export const NO_CURRENT_CONVERSATION = "There is no current conversation. /sessions lists them.";

/** `byNumber`: the user asked for the n-th conversation of /sessions, not for a name. */
export function noSuchConversation(target: string, byNumber = false): string {
  return `There is no conversation ${byNumber ? `number ${target}` : `named ${target}`}. /sessions lists them.`;
}

export function stillCloning(name: string): string {
  return `${name} is still being cloned; I'll tell you when it is ready.`;
}

export function freshSessionReply(name: string): string {
  return `Your next message in ${name} starts a fresh agent session, in the same project; the earlier context is set aside.`;
}

/** /new <name>: the name is taken, or the conversation is made (empty, or cloning from `repo`). */
export function createReply(name: string, o: { taken: true } | { taken: false; repo: { url: string; branch: string | null } | null }): string {
  if (o.taken) return `There is already a conversation named ${name}. /switch ${name} makes it current.`;
  if (!o.repo) return `New conversation ${name}, with an empty project. It is current now; /sessions lists them all.`;
  return `Cloning ${o.repo.url}${o.repo.branch ? ` (${o.repo.branch})` : ""} into ${name}…`;
}

/** A conversation as /sessions lists it. */
export type ListedConversation = {
  name: string;
  repoUrl: string | null;
  branch: string | null;
  current: boolean;
  cloning: boolean;
  running: boolean;
  queued: number;
  deep: boolean;
  turns: number;
  costUsd: number;
  activeAt: number;
};

export function conversationsList(conversations: readonly ListedConversation[], now: number): string {
  const lines = conversations.map((c, i) => {
    const marks = [c.current ? "← current" : null, c.cloning ? "cloning…" : null, c.running ? "running" : null, c.queued ? `${c.queued} queued` : null, c.deep ? "deep" : null].filter(
      (m) => m !== null,
    );
    const repo = c.repoUrl ? ` (${shortRepo(c.repoUrl)}${c.branch ? ` @ ${c.branch}` : ""})` : "";
    const stats = `${c.turns} turn${c.turns === 1 ? "" : "s"} · ${formatUsd(c.costUsd)} · active ${formatAgo(c.activeAt, now)}`;
    return `${i + 1}. ${c.name}${repo}${marks.length > 0 ? ` ${marks.join(" · ")}` : ""} · ${stats}`;
  });
  return ["Your conversations:", ...lines, "/switch <name or number> · @<name> <text> · /new <name> [git-url]"].join("\n");
}

/** github.com/owner/repo, whether the URL is https or scp-like ssh. */
function shortRepo(url: string): string {
  return url.replace(/^https:\/\//, "").replace(/^git@([^:]+):/, "$1/").replace(/\.git$/, "");
}

export function switchReply(name: string, already: boolean): string {
  return already ? `${name} is already the current conversation.` : `Switched to ${name}. Plain messages go there now.`;
}

export function renameReply(from: string, to: string, takenBy: string | null): string {
  return takenBy !== null ? `There is already a conversation named ${takenBy}.` : `Renamed ${from} to ${to}.`;
}

/** Why /delete did not delete (or asks first), or that it did. */
export type DeleteOutcome =
  | { kind: "missing" }
  | { kind: "current" }
  | { kind: "cloning" }
  | { kind: "running" }
  | { kind: "queued" }
  | { kind: "tasks"; ids: readonly number[] }
  | { kind: "triggers"; names: readonly string[] }
  | { kind: "confirm" }
  | { kind: "deleted" };

export function deleteReply(name: string, o: DeleteOutcome): string {
  switch (o.kind) {
    case "missing":
      return noSuchConversation(name);
    case "current":
      return `${name} is the current conversation: /switch to another one first.`;
    case "cloning":
      return `${name} is still being cloned; delete it once that is done.`;
    case "running":
      return `${name} has a run in progress: wait for it, or /switch to it and /stop it.`;
    case "queued":
      return `${name} has messages waiting to be answered: wait for them first.`;
    case "tasks":
      return `${name} has scheduled tasks (#${o.ids.join(", #")}): delete them first with /schedule delete <id>.`;
    case "triggers":
      return `${name} has HTTP triggers (${o.names.join(", ")}): end them first with /trigger remove <name>.`;
    case "confirm":
      return `Delete ${name} and its project directory, with any work not pushed? Send /delete ${name} yes.`;
    case "deleted":
      return `Deleted ${name} and its project directory.`;
  }
}

export function deepModeReply(name: string, on: boolean): string {
  return on
    ? `Deep mode on for ${name}: its agent stays running between messages, for 2 h after each use, so follow-ups go straight in. /end stops it.`
    : `Deep mode off for ${name}: its agent stops soon after each answer, and resumes the session on the next message.`;
}

/** /git: who the agent commits as; `changed` right after /git name or /git email. */
export function gitIdentityReply(who: { name: string; email: string }, changed: boolean): string {
  const prefix = changed ? `Your agent's commits are now by` : "Your agent commits as";
  return `${prefix} ${who.name} <${who.email}>. Change with /git name <name> and /git email <email>.`;
}

/** Why a clone failed when there is no VM to clone on. */
export const NO_VM_TO_CLONE = "the agent VM is not configured.";

/** How a clone ended, said once; `message` is the VM's reason, a sentence of its own. */
/** `current`: the clone became the current conversation (a /new); a clone an event asked for leaves it as it was. */
export function cloneDoneReply(name: string, result: { ok: true; branch: string | null; files: number; ms: number } | { ok: false; message: string }, current = true): string {
  if (!result.ok) return `⚠️ Couldn't clone into ${name}: ${result.message} Nothing was created.`;
  const seconds = Math.max(1, Math.round(result.ms / 1000));
  const then = current ? "It is your current conversation now." : `/switch ${name} to write to it.`;
  return `Cloned ${name} (${result.branch ?? "default branch"}, ${result.files.toLocaleString("en-US")} file${result.files === 1 ? "" : "s"}) in ${seconds} s. ${then}`;
}
