// The lines runs in forked sessions left for their conversation's next run of the user's own
// (messages/meanwhile.ts): kept until a run that was given them answered.
import { memoBy, type Sql } from "../shared/sql";

export function createMeanwhileRepo(sql: Sql) {
  // Read by every run's start and rarely written: remembered until the notes change, the time picked here.
  const ofConversation = memoBy(sql, (conversationId: number): { text: string; createdAt: number }[] =>
    sql<{ text: string; created_at: number }>`SELECT text, created_at FROM meanwhile_notes WHERE conversation_id = ${conversationId} ORDER BY id`.map((r) => ({ text: r.text, createdAt: r.created_at })),
  );
  return {
    add(conversationId: number, text: string, now: number): void {
      sql`INSERT INTO meanwhile_notes (conversation_id, text, created_at) VALUES (${conversationId}, ${text}, ${now})`;
    },
    /** The lines left by `at` (a run's creation: what it is given, and what its answer clears), oldest first. */
    upTo(conversationId: number, at: number): string[] {
      return ofConversation(conversationId).flatMap((note) => (note.createdAt <= at ? [note.text] : []));
    },
    /** A run created at `at` answered: the lines it was given are told. */
    told(conversationId: number, at: number): void {
      sql`DELETE FROM meanwhile_notes WHERE conversation_id = ${conversationId} AND created_at <= ${at}`;
    },
  };
}
export type MeanwhileRepo = ReturnType<typeof createMeanwhileRepo>;
