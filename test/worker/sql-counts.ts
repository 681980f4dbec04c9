// What a phone's object does with its SQLite, counted with workerd's own figures (a cursor's
// rowsRead and rowsWritten: what Cloudflare bills), and a month of answered history to count it on.
// Shared by the tests that hold the hot path's reads and writes down.
import { statementOf } from "../../src/shared/sql";

/** About a month of an active user: answered messages, kept 30 days (agent/retention.ts). */
export const HISTORY = 2_000;

export type SqlCounts = { statements: number; rowsRead: number; rowsWritten: number };

/**
 * Counts every statement run through `storage.sql` while it is installed, with the rows it read
 * and wrote; `raw` runs a statement uncounted (a test's own polling).
 */
export function countSql(storage: DurableObjectStorage) {
  const sqlStorage = storage.sql;
  const exec = sqlStorage.exec.bind(sqlStorage);
  const counts: SqlCounts = { statements: 0, rowsRead: 0, rowsWritten: 0 };
  const byTable: Record<string, number> = {};
  sqlStorage.exec = ((query: string, ...bindings: SqlStorageValue[]) => {
    const cursor = exec(query, ...bindings);
    // Read whole here, so its figures are final: what the helper reads of a cursor (sql.ts) is its rows, then the rows it wrote.
    const rows = cursor.toArray();
    counts.statements++;
    counts.rowsRead += cursor.rowsRead;
    counts.rowsWritten += cursor.rowsWritten;
    const { rowsWritten } = cursor;
    // By the table the statement writes (sql.ts, statementOf), as the object's log lines say.
    if (rowsWritten > 0) {
      const table = statementOf(query).writes ?? "unknown";
      byTable[table] = (byTable[table] ?? 0) + rowsWritten;
    }
    return { toArray: () => rows, rowsWritten } as unknown as typeof cursor;
  }) as typeof sqlStorage.exec;
  return { counts: (): SqlCounts => ({ ...counts }), byTable: () => ({ ...byTable }), total: () => counts.rowsRead, raw: exec, restore: () => void (sqlStorage.exec = exec) };
}

/** What was counted between two snapshots. */
export const countsSince = (before: SqlCounts, after: SqlCounts): SqlCounts => ({
  statements: after.statements - before.statements,
  rowsRead: after.rowsRead - before.rowsRead,
  rowsWritten: after.rowsWritten - before.rowsWritten,
});

/**
 * `HISTORY` answered messages, each with its finished run and its delivered reply (the tables kept
 * 30 days that a message goes through); with `pending`, two handed to run `r-live` and three queued.
 */
export function seedHistory(storage: DurableObjectStorage, pending: boolean): void {
  const sql = storage.sql;
  const old = Date.now() - 86_400_000;
  for (let i = 0; i < HISTORY; i++) {
    sql.exec("INSERT INTO messages (id, body, received_at, status, run_id, updated_at, in_queue) VALUES (?, ?, ?, 'answered', ?, ?, NULL)", `SMold${i}`, `an old message ${i}`, old + i, `r-old${i}`, old + i);
    sql.exec("INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, results, outcome, created_at, updated_at) VALUES (?, ?, 'finished', ?, 1, 'answered', ?, ?)", `r-old${i}`, `v-old${i}`, old + i, old + i, old + i);
    sql.exec("INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, created_at, updated_at, conversation_id) VALUES (?, ?, 'delivered', ?, ?, ?, 1)", `reply:v-old${i}:1:0`, `an old answer ${i}`, old + i, old + i, old + i);
  }
  if (!pending) return;
  for (let i = 0; i < 2; i++) sql.exec("INSERT INTO messages (id, body, received_at, status, run_id, handed_how, updated_at) VALUES (?, 'handed', ?, 'handed', 'r-live', 'batch', ?)", `SMlive${i}`, old, old);
  for (let i = 0; i < 3; i++) sql.exec("INSERT INTO messages (id, body, received_at, status, updated_at) VALUES (?, 'queued', ?, 'queued', ?)", `SMnew${i}`, old, old);
}
