// The questions the relay asked (migrations/0035_questions.sql, 0037_question_details.sql): asked, read against each message,
// closed when answered, replaced or void. Closed rows are kept for CLOSED_KEPT_MS so that a late
// tap on one of their buttons still reaches the capability that asked (which names the question).
import * as z from "zod/mini";
import { memo, type Sql } from "../shared/sql";
import { readJson } from "../shared/json-text";
import { QUESTION_KINDS, type NewQuestion, type Question, type QuestionKind } from "./questions";

/** How long a closed question's buttons still name it. */
export const CLOSED_KEPT_MS = 30 * 24 * 60 * 60_000;

type Row = {
  id: number;
  kind: string;
  ref: string;
  conversation_id: number | null;
  words: string;
  buttons: string;
  next_message_only: number;
  until_run: number;
  asked_at: number;
  expires_at: number | null;
  closed_at: number | null;
  detail: string | null;
};

const Answers = z.record(z.string(), z.string());
const Kind = z.enum(QUESTION_KINDS);

/** A row read back; null for one this code cannot read (a kind it no longer knows): it answers nothing. */
function toQuestion(r: Row): Question | null {
  const kind = Kind.safeParse(r.kind);
  const words = readJson(Answers, r.words);
  const buttons = readJson(Answers, r.buttons);
  if (!kind.success || !words || !buttons) return null;
  return {
    id: r.id,
    kind: kind.data,
    ref: r.ref,
    conversationId: r.conversation_id,
    words,
    buttons,
    nextMessageOnly: r.next_message_only === 1,
    untilRun: r.until_run === 1,
    askedAt: r.asked_at,
    detail: r.detail,
    expiresAt: r.expires_at,
    closedAt: r.closed_at,
  };
}
const read = (rows: Row[]): Question[] => rows.flatMap((r) => toQuestion(r) ?? []);

export function createQuestionsRepo(sql: Sql) {
  /** Closes the question a capability knows by its key, and returns it as it was open (what the answer acts on); null when it was not open. */
  const take = (kind: QuestionKind, ref: string, now: number): Question | null => {
    const row = sql<Row>`UPDATE questions SET closed_at = ${now} WHERE kind = ${kind} AND ref = ${ref} AND closed_at IS NULL RETURNING *`[0];
    return row ? toQuestion({ ...row, closed_at: null }) : null;
  };
  return {
    /** The questions not closed (some may have expired or been voided: matchQuestion reads that). Read on every message: remembered until the table is written. */
    open: memo(sql, (): Question[] => read(sql<Row>`SELECT * FROM questions WHERE closed_at IS NULL ORDER BY id`)),
    /** The questions, open or closed, one of whose buttons has this payload. */
    withButton(payload: string): Question[] {
      return read(sql<Row>`SELECT q.* FROM questions AS q WHERE EXISTS (SELECT 1 FROM json_each(q.buttons) AS b WHERE b.key = ${payload}) ORDER BY q.id DESC`);
    },
    /** Asks `q` (the question of the same kind and key, if any, is asked again as this); also closes what expired and forgets what closed long ago. */
    ask(q: NewQuestion, now: number): void {
      sql`UPDATE questions SET closed_at = expires_at WHERE closed_at IS NULL AND expires_at <= ${now}`;
      sql`DELETE FROM questions WHERE closed_at < ${now - CLOSED_KEPT_MS}`;
      sql`INSERT INTO questions (kind, ref, conversation_id, words, buttons, next_message_only, until_run, asked_at, expires_at, detail)
        VALUES (${q.kind}, ${q.ref}, ${q.conversationId}, ${JSON.stringify(q.words)}, ${JSON.stringify(q.buttons)}, ${q.nextMessageOnly ? 1 : 0}, ${q.untilRun ? 1 : 0}, ${q.askedAt}, ${q.expiresAt}, ${q.detail})
        ON CONFLICT (kind, ref) DO UPDATE SET conversation_id = excluded.conversation_id, words = excluded.words, buttons = excluded.buttons,
          next_message_only = excluded.next_message_only, until_run = excluded.until_run, asked_at = excluded.asked_at, expires_at = excluded.expires_at,
          detail = excluded.detail, closed_at = NULL`;
    },
    /** Whether the question of this kind and key was asked at or after `since`, open or closed since (a capability's "was the user asked already?"). */
    askedSince(kind: QuestionKind, ref: string, since: number): boolean {
      return sql<{ n: number }>`SELECT count(*) AS n FROM questions WHERE kind = ${kind} AND ref = ${ref} AND asked_at >= ${since}`[0]!.n > 0;
    },
    /** Closes the question a capability knows by its key (answered, withdrawn); false when it was not open. */
    close(kind: QuestionKind, ref: string, now: number): boolean {
      return take(kind, ref, now) !== null;
    },
    take,
    /** Closes these questions (a message came that did not answer them). */
    closeIds(ids: readonly number[], now: number): void {
      for (const id of ids) sql`UPDATE questions SET closed_at = ${now} WHERE id = ${id} AND closed_at IS NULL`;
    },
  };
}
export type QuestionsRepo = ReturnType<typeof createQuestionsRepo>;
