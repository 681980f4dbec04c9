// The user's conversations: a name, the VM workspace that is its project, its agent session.
import * as z from "zod/mini";
import { createDueTimesRepo, type DueTimesRepo, keepingDueTime } from "../shared/due-times-repo";
import { createSettingsRepo, type SettingsRepo } from "../config/settings-repo";
import { memo, memoBy, type Sql } from "../shared/sql";
import { EffortSchema, type Effort } from "../protocol/vm/runs";

/** Built once: a schema per row costs CPU on the webhook path. */
const ConversationStatusSchema = z.enum(["ready", "cloning"]);

type ConversationRow = {
  id: number;
  name: string;
  workspace: string;
  session_id: string | null;
  repo_url: string | null;
  branch: string | null;
  status: string;
  deep_until: number | null;
  created_at: number;
  last_active_at: number;
  model: string | null;
  effort: string | null;
  plan_mode: number;
  plan_next: number;
};

export type Conversation = {
  id: number;
  name: string;
  /** The VM's id for its project directory; stable across renames. */
  workspace: string;
  sessionId: string | null;
  repoUrl: string | null;
  branch: string | null;
  /** `cloning` until its repository is in place; then `ready`. */
  status: "ready" | "cloning";
  /** Deep mode: the agent's process is kept warm until then (renewed by each run). */
  deepUntil: number | null;
  createdAt: number;
  lastActiveAt: number;
  /** The model of its runs (`--model`), as the user named it; null: the CLI's default. */
  model: string | null;
  /** The effort of its runs (`--effort`); null: the CLI's default. */
  effort: Effort | null;
  /** Plan first, every run (/plan on). */
  planMode: boolean;
  /** The next run plans first (/plan <prompt>, a plan's "Change it"); cleared once a plan is approved. */
  planNext: boolean;
};

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    name: row.name,
    workspace: row.workspace,
    sessionId: row.session_id,
    repoUrl: row.repo_url,
    branch: row.branch,
    status: ConversationStatusSchema.parse(row.status),
    deepUntil: row.deep_until,
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    model: row.model,
    // A value this version does not know (written by a later one) is the default, not a crash.
    effort: EffortSchema.safeParse(row.effort).data ?? null,
    planMode: row.plan_mode === 1,
    planNext: row.plan_next === 1,
  };
}

/** The conversation every object starts with (migration 0007). */
export const MAIN_CONVERSATION_ID = 1;

/** A clone still "in progress" this long after it started died with its instance (the conversations unit's timer). */
export const CLONE_DEADLINE_MS = 10 * 60_000;

/**
 * `dueTimes`: where the oldest clone's deadline is kept; every write that starts or ends a clone
 * stores it. `settings`: where the highest id ever given is kept, so an id is never reused: a link,
 * a trigger or a message left naming a deleted conversation never reaches the next one made.
 */
export function createConversationsRepo(sql: Sql, dueTimes: DueTimesRepo = createDueTimesRepo(sql), settings: SettingsRepo = createSettingsRepo(sql)) {
  /** Remembered until conversations change (the webhook's path asks for the current one twice): callers only read it. */
  const get = memoBy(sql, (id: number): Conversation | null => {
    const row = sql<ConversationRow>`SELECT * FROM conversations WHERE id = ${id}`[0];
    return row ? toConversation(row) : null;
  });
  const repo = {
    get,
    /** A conversation's name; null once it is gone (tasks and spend outlive it). */
    nameOf: (id: number): string | null => get(id)?.name ?? null,
    /** Case-insensitive, as the name column is. */
    byName(name: string): Conversation | null {
      const row = sql<ConversationRow>`SELECT * FROM conversations WHERE name = ${name}`[0];
      return row ? toConversation(row) : null;
    },
    /** Oldest first: the numbers /sessions shows. */
    list: memo(sql, (): Conversation[] => sql<ConversationRow>`SELECT * FROM conversations ORDER BY id`.map(toConversation)),
    create(c: { name: string; workspace: string; repoUrl: string | null; branch: string | null; status: "ready" | "cloning"; now: number }): Conversation {
      const id = Math.max(highestIdInRows(), settings.getNumber("conversation_id_high") ?? 0) + 1;
      sql`INSERT INTO conversations (id, name, workspace, repo_url, branch, status, created_at, last_active_at)
        VALUES (${id}, ${c.name}, ${c.workspace}, ${c.repoUrl}, ${c.branch}, ${c.status}, ${c.now}, ${c.now})`;
      settings.set("conversation_id_high", id);
      return get(id)!;
    },
    markCloned(id: number, branch: string | null, now: number): void {
      sql`UPDATE conversations SET status = 'ready', branch = ${branch}, last_active_at = ${now} WHERE id = ${id}`;
    },
    rename(id: number, name: string): void {
      sql`UPDATE conversations SET name = ${name} WHERE id = ${id}`;
    },
    delete(id: number): void {
      sql`DELETE FROM conversations WHERE id = ${id}`;
      // Ids are reused: a later conversation must not hear what forks of this one did.
      sql`DELETE FROM meanwhile_notes WHERE conversation_id = ${id}`;
      sql`DELETE FROM review_comments WHERE conversation_id = ${id}`;
    },
    /** Written only when it changes: a resumed session reports the same id on every run. */
    setSession(id: number, sessionId: string | null): void {
      sql`UPDATE conversations SET session_id = ${sessionId} WHERE id = ${id} AND session_id IS NOT ${sessionId}`;
    },
    setDeepUntil(id: number, at: number | null): void {
      sql`UPDATE conversations SET deep_until = ${at} WHERE id = ${id}`;
    },
    setModel(id: number, model: string | null): void {
      sql`UPDATE conversations SET model = ${model} WHERE id = ${id}`;
    },
    setEffort(id: number, effort: Effort | null): void {
      sql`UPDATE conversations SET effort = ${effort} WHERE id = ${id}`;
    },
    setPlanMode(id: number, on: boolean): void {
      sql`UPDATE conversations SET plan_mode = ${on ? 1 : 0} WHERE id = ${id}`;
    },
    setPlanNext(id: number, on: boolean): void {
      sql`UPDATE conversations SET plan_next = ${on ? 1 : 0} WHERE id = ${id} AND plan_next IS NOT ${on ? 1 : 0}`;
    },
    /** Clones that started before `before` and never finished (the instance died mid-clone). */
    staleClones(before: number): Conversation[] {
      return sql<ConversationRow>`SELECT * FROM conversations WHERE status = 'cloning' AND created_at < ${before}`.map(toConversation);
    },
    /** When the oldest clone in progress counts as dead (its stored time); null when none is in progress. */
    cloneDeadline: (): number | null => dueTimes.of("conversations"),
  };
  // Rows that outlive a conversation name ids given before the high mark was kept.
  const highestIdInRows = (): number =>
    sql<{ id: number | null }>`SELECT max(id) AS id FROM (SELECT max(id) AS id FROM conversations UNION ALL SELECT max(conversation_id) FROM messages UNION ALL SELECT max(conversation_id) FROM runs)`[0]?.id ?? 0;
  const oldestCloneDeadline = (): number | null => {
    const oldest = sql<{ at: number | null }>`SELECT min(created_at) AS at FROM conversations WHERE status = 'cloning'`[0]?.at ?? null;
    return oldest === null ? null : oldest + CLONE_DEADLINE_MS;
  };
  return keepingDueTime(repo, { dueTimes, unit: "conversations", dueAt: oldestCloneDeadline, writes: ["create", "markCloned", "delete"] });
}
export type ConversationsRepo = ReturnType<typeof createConversationsRepo>;
