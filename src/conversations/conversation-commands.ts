// What the conversation commands do: /new, /sessions, /switch, /rename, /delete, /deep, /end,
// /git. Each reads and writes rows only (inside the command's transaction) and says what, if
// anything, the VM must do once the webhook has its answer (clone, delete a directory).
import { DEEP_MODE_MS } from "./conversations-unit";
import { outboxKeys } from "../outbox/outbox-keys";
import { stepRun } from "../runs/run-lifecycle";
import { maskPhone } from "../shared/phone";
import {
  cloneDoneReply,
  conversationsList,
  createReply,
  deepModeReply,
  deleteReply,
  type DeleteOutcome,
  freshSessionReply,
  gitIdentityReply,
  NO_CURRENT_CONVERSATION,
  noSuchConversation,
  renameReply,
  stillCloning,
  switchReply,
} from "./conversations-replies";
import type { MessagesRepo } from "../messages/messages-repo";
import type { Reply } from "../messages/inbound-message";
import type { RunsRepo } from "../runs/runs-repo";
import type { SchedulesRepo } from "../schedules/schedules-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { SpendRepo } from "../usage/spend-repo";
import type { Conversations } from "./conversations-unit";

/**
 * What the VM must do after a conversation command's transaction (never inside the webhook). The
 * other capabilities declare their own; agent/vm-action.ts joins them.
 */
export type ConversationAction =
  /** `stayCurrent`: the user's current conversation stays as it is (a clone an event asked for, not the user). */
  | { kind: "clone"; conversationId: number; workspace: string; url: string; branch: string | null; stayCurrent?: true }
  /**
   * /new <name> with no repository: the VM makes the workspace now, after the webhook's answer, so
   * a CLI can start there before the conversation's first message (a spare, docs/vm.md). Nothing is
   * said: a VM that cannot do it now makes the workspace with the first run, as before.
   */
  | { kind: "prepare_workspace"; workspace: string }
  /** `diffKeys`: the R2 objects of the conversation's run diffs, deleted with it. */
  | { kind: "delete_workspace"; workspace: string; diffKeys?: string[] };

type ConversationReply = Reply<ConversationAction>;

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
  /** Runs' changes (changes/, above): a deleted conversation's go with it; the keys of their stored diffs, deleted with its workspace. */
  runChanges: { deleteConversation(conversationId: number): string[] };
  /** HTTP triggers (triggers/, above): a conversation they run in is not deleted under them; their names in it. */
  triggers: { namesIn(conversationId: number): string[] };
};


const say = (text: string): ConversationReply => ({ text, after: null });

/** `/new` alone and `/clear`: a fresh session in the current conversation's project. */
export function startFreshSession(d: ConversationCommandDeps, now: number): ConversationReply {
  const current = d.conversations.current();
  if (!current) return say(NO_CURRENT_CONVERSATION);
  d.conversations.recordSession(current.id, null);
  // A live run of this conversation must not bring its session back, nor take the next messages.
  const run = d.runs.openIn(current.id);
  if (run) {
    const step = stepRun(run, [], { type: "detach" }, now);
    if (step.run) d.runs.write(run, step.run, now);
  }
  return say(freshSessionReply(current.name));
}

export function createConversation(d: ConversationCommandDeps, name: string, repo: { url: string; branch: string | null } | null, now: number): ConversationReply {
  const taken = d.conversations.repo.byName(name);
  if (taken) return say(createReply(taken.name, { taken: true }));
  const workspace = d.newWorkspaceId();
  if (!repo) {
    const created = d.conversations.repo.create({ name, workspace, repoUrl: null, branch: null, status: "ready", now });
    d.conversations.makeCurrent(created.id);
    return { text: createReply(name, { taken: false, repo: null }), after: { kind: "prepare_workspace", workspace } };
  }
  // It becomes current once the clone has worked; until then nothing can be sent to it.
  const created = d.conversations.repo.create({ name, workspace, repoUrl: repo.url, branch: repo.branch, status: "cloning", now });
  return { text: createReply(name, { taken: false, repo }), after: { kind: "clone", conversationId: created.id, workspace, ...repo } };
}

export function listConversations(d: ConversationCommandDeps, now: number): string {
  const currentId = d.conversations.currentId();
  const running = new Set(d.runs.openAll().map((r) => r.conversationId));
  const queued = d.messages.queuedByConversation();
  const totals = d.spend.totals();
  const written = d.messages.lastWrittenByConversation();
  return conversationsList(
    d.conversations.repo.list().map((c) => {
      const { turns, costUsd } = totals.get(c.id) ?? { turns: 0, costUsd: 0 };
      return {
        name: c.name,
        repoUrl: c.repoUrl,
        branch: c.branch,
        current: c.id === currentId,
        cloning: c.status === "cloning",
        running: running.has(c.id),
        queued: queued.get(c.id) ?? 0,
        deep: c.deepUntil !== null && c.deepUntil > now,
        turns,
        costUsd,
        activeAt: Math.max(c.lastActiveAt, written.get(c.id) ?? 0),
      };
    }),
    now,
  );
}

export function switchConversation(d: ConversationCommandDeps, target: string): string {
  const all = d.conversations.repo.list();
  const byNumber = /^\d+$/.test(target);
  const found = byNumber ? all[Number(target) - 1] : d.conversations.repo.byName(target);
  if (!found) return noSuchConversation(target, byNumber);
  if (found.status === "cloning") return stillCloning(found.name);
  if (found.id === d.conversations.currentId()) return switchReply(found.name, true);
  d.conversations.makeCurrent(found.id);
  return switchReply(found.name, false);
}

export function renameConversation(d: ConversationCommandDeps, name: string): string {
  const current = d.conversations.current();
  if (!current) return NO_CURRENT_CONVERSATION;
  const taken = d.conversations.repo.byName(name);
  if (taken && taken.id !== current.id) return renameReply(current.name, name, taken.name);
  d.conversations.repo.rename(current.id, name);
  return renameReply(current.name, name, null);
}

/**
 * `/delete <name> [yes]`. Refused for the current conversation, one with a run or messages
 * waiting, and one with scheduled tasks or HTTP triggers (they would run in a project that no
 * longer exists: the user deletes or moves them first, deliberately).
 */
export function deleteConversation(d: ConversationCommandDeps, name: string, confirmed: boolean): ConversationReply {
  const found = d.conversations.repo.byName(name);
  if (!found) return say(deleteReply(name, { kind: "missing" }));
  const refuse = (o: DeleteOutcome) => say(deleteReply(found.name, o));
  if (found.id === d.conversations.currentId()) return refuse({ kind: "current" });
  if (found.status === "cloning") return refuse({ kind: "cloning" });
  if (d.runs.openAll().some((r) => r.conversationId === found.id)) return refuse({ kind: "running" });
  if (d.messages.queuedByConversation().get(found.id)) return refuse({ kind: "queued" });
  const tasks = d.schedules.liveOf(found.id);
  if (tasks.length > 0) return refuse({ kind: "tasks", ids: tasks });
  // A trigger left behind would fire into a conversation that is gone.
  const triggers = d.triggers.namesIn(found.id);
  if (triggers.length > 0) return refuse({ kind: "triggers", names: triggers });
  if (!confirmed) return refuse({ kind: "confirm" });
  d.conversations.repo.delete(found.id);
  const diffKeys = d.runChanges.deleteConversation(found.id);
  return { text: deleteReply(found.name, { kind: "deleted" }), after: { kind: "delete_workspace", workspace: found.workspace, diffKeys } };
}

export function setDeepMode(d: ConversationCommandDeps, on: boolean, now: number): string {
  const current = d.conversations.current();
  if (!current) return NO_CURRENT_CONVERSATION;
  d.conversations.repo.setDeepUntil(current.id, on ? now + DEEP_MODE_MS : null);
  return deepModeReply(current.name, on);
}

/** Who the agent commits as: what the user set, or a name that says where it came from. */
export function gitIdentityOf(settings: SettingsRepo, phone: string): { name: string; email: string } {
  const digits = maskPhone(phone).replace(/\D|\*/g, (c) => (c === "*" ? "x" : ""));
  return { name: settings.get("git_name") ?? "WhatsApp agent", email: settings.get("git_email") ?? `${digits}@users.noreply.invalid` };
}

export function gitCommand(d: ConversationCommandDeps, phone: string, set: { field: "name" | "email"; value: string } | null): string {
  if (set) d.settings.set(set.field === "name" ? "git_name" : "git_email", set.value);
  const who = gitIdentityOf(d.settings, phone);
  return gitIdentityReply(who, set !== null);
}

type CloneResult = { ok: true; branch: string | null; files: number; ms: number } | { ok: false; message: string };

/**
 * How a clone ended: the conversation is ready (and current, unless `makeCurrent` is false), or it is gone (no half-made
 * conversation is left). Said once. False when the clone was already settled (or timed out).
 */
export function finishClone(
  d: { conversations: Conversations; outbox: { add(m: { dedupeKey: string; body: string; now: number }): boolean } },
  conversationId: number,
  result: CloneResult,
  now: number,
  makeCurrent = true,
): boolean {
  const c = d.conversations.repo.get(conversationId);
  if (!c || c.status !== "cloning") return false;
  const dedupeKey = outboxKeys.cloneDone(c.workspace);
  if (result.ok) {
    d.conversations.repo.markCloned(c.id, result.branch, now);
    if (makeCurrent) d.conversations.makeCurrent(c.id);
    d.outbox.add({ dedupeKey, body: cloneDoneReply(c.name, result, makeCurrent), now });
  } else {
    d.conversations.repo.delete(c.id);
    d.outbox.add({ dedupeKey, body: cloneDoneReply(c.name, result), now });
  }
  return true;
}

/** A new workspace id for the VM: `c-` and 8 random hex digits (`main` is the first conversation's). */
export function randomWorkspaceId(): string {
  return `c-${crypto.randomUUID().slice(0, 8)}`;
}
