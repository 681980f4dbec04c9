// Draft reviews made on the private page (migrations/0030_review_drafts.sql): a conversation's
// comments on lines of its changes until "Send review" sends them, under the draft's id.
import { type ReviewComment, ReviewSideSchema } from "../protocol/review-comments";
import type { DraftComment, ReviewDraft } from "./review-draft";
import type { Sql } from "../shared/sql";

type Row = { id: number; conversation_id: number; draft_id: string; vm_run_id: string; file: string; side: string; line: number | null; line_text: string; body: string; change_label: string };

function toComment(row: Row): DraftComment {
  return { id: row.id, changeId: row.vm_run_id, file: row.file, side: ReviewSideSchema.parse(row.side), line: row.line, lineText: row.line_text, body: row.body, change: row.change_label };
}

export function createReviewDraftsRepo(sql: Sql) {
  const draftOf = (conversationId: number): ReviewDraft | null => {
    const rows = sql<Row>`SELECT * FROM review_comments WHERE conversation_id = ${conversationId} ORDER BY id`;
    return rows.length === 0 ? null : { id: rows[0]!.draft_id, conversationId, comments: rows.map(toComment) };
  };
  return {
    /** The conversation's draft; null when it has no comments. */
    draftOf,
    /** The draft whose id is `draftId`; null once it was sent or emptied. */
    byId(draftId: string): ReviewDraft | null {
      const row = sql<{ conversation_id: number }>`SELECT conversation_id FROM review_comments WHERE draft_id = ${draftId} LIMIT 1`[0];
      return row ? draftOf(row.conversation_id) : null;
    },
    /** The conversation a comment is in; null for no such comment. */
    conversationOfComment(id: number): number | null {
      return sql<{ conversation_id: number }>`SELECT conversation_id FROM review_comments WHERE id = ${id}`[0]?.conversation_id ?? null;
    },
    /** Adds a comment to the conversation's draft (`newDraftId` names the draft when this is its first). */
    add(c: { conversationId: number; newDraftId: string; changeId: string; comment: ReviewComment; now: number }): void {
      const draftId = draftOf(c.conversationId)?.id ?? c.newDraftId;
      const { file, side, line, lineText, body, change } = c.comment;
      sql`INSERT INTO review_comments (conversation_id, draft_id, vm_run_id, file, side, line, line_text, body, change_label, created_at)
        VALUES (${c.conversationId}, ${draftId}, ${c.changeId}, ${file}, ${side}, ${line}, ${lineText}, ${body}, ${change}, ${c.now})`;
    },
    remove(id: number): void {
      sql`DELETE FROM review_comments WHERE id = ${id}`;
    },
    /** The draft was sent: its comments go. */
    clear(draftId: string): void {
      sql`DELETE FROM review_comments WHERE draft_id = ${draftId}`;
    },
  };
}
export type ReviewDraftsRepo = ReturnType<typeof createReviewDraftsRepo>;
