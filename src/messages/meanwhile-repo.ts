// The lines runs in forked sessions left for their conversation's next run of the user's own
// (messages/meanwhile.ts): kept until a run that was given them answered.
import type { Sql } from "../shared/sql";

export function createMeanwhileRepo(sql: Sql) {
  return {
    add(conversationId: number, text: string, now: number): void {
      sql`INSERT INTO meanwhile_notes (conversation_id, text, created_at) VALUES (${conversationId}, ${text}, ${now})`;
    },
    /** The lines left by `at` (a run's creation: what it is given, and what its answer clears), oldest first. */
    upTo(conversationId: number, at: number): string[] {
      return sql<{ text: string }>`SELECT text FROM meanwhile_notes WHERE conversation_id = ${conversationId} AND created_at <= ${at} ORDER BY id`.map((r) => r.text);
    },
    /** A run created at `at` answered: the lines it was given are told. */
    told(conversationId: number, at: number): void {
      sql`DELETE FROM meanwhile_notes WHERE conversation_id = ${conversationId} AND created_at <= ${at}`;
    },
  };
}
export type MeanwhileRepo = ReturnType<typeof createMeanwhileRepo>;
