// What each run changed (migrations/0014_run_changes.sql, 0015): its files and line counts, the R2
// keys of its diff and of the diff's HTML, and whether /undo took it back. Both live in R2, never here.
import * as z from "zod/mini";
import { RunChangeFileSchema, type RunChangeFile } from "../protocol/vm/changes";
import { memo, memoBy, type Sql } from "../shared/sql";

export type RunChangeRow = {
  vmRunId: string;
  conversationId: number;
  /** The start of the message the run answered, as the user knows it. */
  label: string;
  files: RunChangeFile[];
  insertions: number;
  deletions: number;
  truncated: boolean;
  diffKey: string | null;
  /** The diff as HTML for the private page (drawn by the VM), when it was written. */
  diffHtmlKey: string | null;
  undone: boolean;
  createdAt: number;
};

type Row = {
  vm_run_id: string;
  conversation_id: number;
  label: string;
  files: string;
  insertions: number;
  deletions: number;
  truncated: number;
  diff_key: string | null;
  diff_html_key: string | null;
  undone: number;
  created_at: number;
};

/** Built once: a schema per row costs CPU. */
const FilesSchema = z.array(RunChangeFileSchema);

function toChange(row: Row): RunChangeRow {
  return {
    vmRunId: row.vm_run_id,
    conversationId: row.conversation_id,
    label: row.label,
    files: FilesSchema.parse(JSON.parse(row.files)),
    insertions: row.insertions,
    deletions: row.deletions,
    truncated: row.truncated === 1,
    diffKey: row.diff_key,
    diffHtmlKey: row.diff_html_key,
    undone: row.undone === 1,
    createdAt: row.created_at,
  };
}

type KeysRow = { diff_key: string | null; diff_html_key: string | null };
/** The R2 objects of deleted rows: a diff and its HTML live and go together. */
const r2Keys = (rows: KeysRow[]): string[] => rows.flatMap((r) => [r.diff_key, r.diff_html_key].filter((k): k is string => k !== null));

export function createRunChangesRepo(sql: Sql) {
  return {
    /** Once per VM run: false when it was recorded before (a replayed terminal event). */
    add(c: { vmRunId: string; conversationId: number; label: string; files: RunChangeFile[]; insertions: number; deletions: number; truncated: boolean; now: number }): boolean {
      return sql`INSERT INTO run_changes (vm_run_id, conversation_id, label, files, insertions, deletions, truncated, created_at)
        VALUES (${c.vmRunId}, ${c.conversationId}, ${c.label}, ${JSON.stringify(c.files)}, ${c.insertions}, ${c.deletions}, ${c.truncated ? 1 : 0}, ${c.now})
        ON CONFLICT DO NOTHING RETURNING vm_run_id`.length === 1;
    },
    /** The R2 keys once written (null: that one was not kept). */
    setDiffKeys(vmRunId: string, keys: { diff: string | null; html: string | null }): void {
      sql`UPDATE run_changes SET diff_key = ${keys.diff}, diff_html_key = ${keys.html} WHERE vm_run_id = ${vmRunId}`;
    },
    /** A conversation's changes, newest first, undone ones too (the private page lists every run's). */
    ofConversation(conversationId: number, limit: number): RunChangeRow[] {
      return sql<Row>`SELECT * FROM run_changes WHERE conversation_id = ${conversationId} ORDER BY created_at DESC, vm_run_id DESC LIMIT ${limit}`.map(toChange);
    },
    get(vmRunId: string): RunChangeRow | null {
      const row = sql<Row>`SELECT * FROM run_changes WHERE vm_run_id = ${vmRunId}`[0];
      return row ? toChange(row) : null;
    },
    /** The conversation's changes still in place, newest first (/diff N reads the N-th). */
    inPlace(conversationId: number, limit: number): RunChangeRow[] {
      return sql<Row>`SELECT * FROM run_changes WHERE conversation_id = ${conversationId} AND undone = 0 ORDER BY created_at DESC, vm_run_id DESC LIMIT ${limit}`.map(toChange);
    },
    /** Undone (the agent is then told, once) or put back by /redo. */
    setUndone(vmRunId: string, undone: boolean): void {
      sql`UPDATE run_changes SET undone = ${undone ? 1 : 0}, untold = ${undone ? 1 : 0} WHERE vm_run_id = ${vmRunId}`;
    },
    /** The files of the conversation's undone changes the agent has not been told of (read by every run's start: remembered until the changes are written). */
    untold: memoBy(sql, (conversationId: number): RunChangeRow[] =>
      sql<Row>`SELECT * FROM run_changes WHERE conversation_id = ${conversationId} AND undone = 1 AND untold = 1 ORDER BY created_at DESC`.map(toChange),
    ),
    told(conversationId: number): void {
      sql`UPDATE run_changes SET untold = 0 WHERE conversation_id = ${conversationId} AND untold = 1`;
    },
    /** When the conversation's last run started (its question asked before it is void; another conversation's runs leave it be). */
    lastRunStartedAt(conversationId: number): number | null {
      return sql<{ at: number | null }>`SELECT max(created_at) AS at FROM runs WHERE conversation_id = ${conversationId}`[0]?.at ?? null;
    },
    /** Removes the conversation's rows past its `keep` newest (the VM keeps as many checkpoints); returns their R2 keys. */
    pruneBeyond(conversationId: number, keep: number): string[] {
      return r2Keys(sql<KeysRow>`DELETE FROM run_changes WHERE conversation_id = ${conversationId} AND vm_run_id NOT IN
        (SELECT vm_run_id FROM run_changes WHERE conversation_id = ${conversationId} ORDER BY created_at DESC, vm_run_id DESC LIMIT ${keep}) RETURNING diff_key, diff_html_key`);
    },
    /** Removes a conversation's rows; returns the R2 keys of their diffs and HTML, to delete. */
    deleteConversation(conversationId: number): string[] {
      return r2Keys(sql<KeysRow>`DELETE FROM run_changes WHERE conversation_id = ${conversationId} RETURNING diff_key, diff_html_key`);
    },
  };
}
export type RunChangesRepo = ReturnType<typeof createRunChangesRepo>;
