// The conversations unit: which conversation is current, how a reply names the one it came
// from, and the clones in progress (its only timer: a clone the instance never finished).
import { outboxKeys } from "../outbox/outbox-keys";
import { cloneInterruptedNotice } from "../messages/notices";
import { noSuchConversation, stillCloning } from "./conversations-replies";
import { CLONE_DEADLINE_MS, type Conversation, type ConversationsRepo, MAIN_CONVERSATION_ID } from "./conversations-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { SettingsRepo } from "../config/settings-repo";
import type { Transaction } from "../shared/sql";

/** Deep mode keeps a conversation's agent process warm this long after each use. */
export const DEEP_MODE_MS = 2 * 60 * 60_000;

export { CLONE_DEADLINE_MS };

export function createConversations(d: { repo: ConversationsRepo; settings: SettingsRepo; outbox: Pick<OutboxRepo, "add">; transaction: Transaction }) {
  const { repo, settings } = d;
  const currentId = (): number => {
    const id = Number(settings.get("current_conversation") ?? MAIN_CONVERSATION_ID);
    // The current one can't be deleted, but a stored id must never point at nothing.
    return repo.get(id) ? id : (repo.list()[0]?.id ?? MAIN_CONVERSATION_ID);
  };
  /** The conversation's name when it is not the current one (null: current, or gone). */
  const elsewhere = (conversationId: number): string | null => (conversationId === currentId() ? null : (repo.get(conversationId)?.name ?? null));
  return {
    repo,
    currentId,
    current: (): Conversation | null => repo.get(currentId()),
    makeCurrent(id: number): void {
      settings.set("current_conversation", id === MAIN_CONVERSATION_ID ? null : id);
    },
    elsewhere,
    /**
     * `[api] ` for a conversation that is not current, or for any while more than one run is live
     * (`liveRuns`), so the user knows where an answer came from.
     */
    prefixFor(conversationId: number, liveRuns = 0): string {
      const name = liveRuns > 1 ? (repo.get(conversationId)?.name ?? null) : elsewhere(conversationId);
      return name ? `[${name}] ` : "";
    },
    /** Why text cannot go to `target` (`named` by an event): none by that name, or its clone not done. */
    cannotTake: (target: Pick<Conversation, "name"> | null, named: string): string => (target ? stillCloning(target.name) : noSuchConversation(named)),
    /** The agent session a conversation resumes next (null: a fresh one). */
    recordSession(id: number, sessionId: string | null): void {
      repo.setSession(id, sessionId);
    },
    /** Deep mode renewed by a run: how long the VM keeps its process warm; undefined when not in deep mode. */
    keepWarmFor(id: number, now: number): number | undefined {
      const deepUntil = repo.get(id)?.deepUntil ?? null;
      if (deepUntil === null || deepUntil <= now) return undefined;
      repo.setDeepUntil(id, now + DEEP_MODE_MS);
      return DEEP_MODE_MS;
    },
    name: "conversations",
    /** The oldest clone's deadline: kept in due_times by the repository as it writes conversations. */
    nextDueAt: (_now?: number): number | null => repo.cloneDeadline(),
    /** Clones whose instance died before they finished: removed, and the user told. */
    runDue(now: number): number {
      const stale = repo.staleClones(now - CLONE_DEADLINE_MS + 1);
      for (const c of stale) {
        d.transaction(() => {
          repo.delete(c.id);
          d.outbox.add({ dedupeKey: outboxKeys.cloneDone(c.workspace), body: cloneInterruptedNotice(c.name), now });
        });
      }
      return stale.length;
    },
  };
}
export type Conversations = ReturnType<typeof createConversations>;
