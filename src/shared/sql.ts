// A tagged template over Durable Object SQLite: `${}` become bound parameters, and a
// failure carries the query text (never the values, which may hold message bodies).
// It also counts writes per table, so hot reads can be remembered until the next write to a
// table they read (see memo).
import { addRows, type RowsByTable } from "./rows-by-table";

type SqlParam = string | number | null;
/** One SQLite transaction: all of `fn`'s writes or none (see Sql.transaction). */
export type Transaction = <T>(fn: () => T) => T;
type SqlRow = Record<string, SqlStorageValue>;

export class SqlError extends Error {
  override readonly name = "SqlError";
  constructor(
    readonly query: string,
    cause: unknown,
  ) {
    super(`SQL failed: ${cause instanceof Error ? cause.message : String(cause)} in: ${query}`, { cause });
  }
}

export type Sql = (<Row extends SqlRow = SqlRow>(strings: TemplateStringsArray, ...params: SqlParam[]) => Row[]) & {
  /** Rows written through this helper since it was made: logged per event, summed by the benchmark. */
  readonly rowsWritten: () => number;
  /** The same by the table each statement writes ("unknown": one its text does not name plainly), a copy. */
  readonly rowsWrittenByTable: () => RowsByTable;
  /** Changes whenever a statement wrote rows or a transaction rolled back. */
  readonly version: () => number;
  /**
   * Changes whenever a statement wrote rows to one of `tables` (or to a table its text does not
   * name plainly), or a transaction rolled back: what a memo reading those tables is valid for.
   */
  readonly versionOf: (tables: ReadonlySet<string>) => number;
  /** Runs `read` and says which tables its statements read (FROM, JOIN); null: some could not be told. */
  readonly recordingReads: <T>(read: () => T) => { value: T; tables: ReadonlySet<string> | null };
  /** Counts `tables` as read by the recording in progress, if any (a remembered read answered without SQL). */
  readonly noteReads: (tables: ReadonlySet<string> | null) => void;
  /** Changes only when a transaction rolled back: write-through caches must then reload. */
  readonly rollbacks: () => number;
  /** One SQLite transaction; if `fn` throws, every write in it is undone and caches are told. */
  readonly transaction: Transaction;
};

type SqlStorageWithTransactions = { sql: SqlStorage; transactionSync<T>(fn: () => T): T };

/**
 * What a statement's text says it touches, read once per call site. Plain single statements
 * name their tables (`INSERT INTO t`, `UPDATE t`, `DELETE FROM t`; `FROM t`, `JOIN t` when
 * reading); anything else (a comma join, a `WITH … INSERT`, several statements) is "unknown",
 * and counts as touching every table. The schema has no triggers and no foreign keys, so a
 * statement writes only the table it names.
 */
type Statement = { text: string; writes: string | "unknown" | null; reads: ReadonlySet<string> | "unknown" };

const WRITE = /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`[]?(\w+)/i;
const READ = /\b(?:FROM|JOIN)\s+(?!\()["`[]?(\w+)/gi;
/** `FROM a, b` and `FROM a AS x, b`: a table after a comma that READ would miss. */
const COMMA_JOIN = /\bFROM\s+["`[]?\w+["`\]]?(?:\s+(?:AS\s+)?\w+)?\s*,/i;

export function statementOf(text: string): Statement {
  const single = !text.replace(/;\s*$/, "").includes(";");
  const written = WRITE.exec(text)?.[1];
  const writes = !single ? "unknown" : written ? written.toLowerCase() : /^\s*(SELECT|VALUES)\b/i.test(text) ? null : "unknown";
  const reads = !single || COMMA_JOIN.test(text) ? "unknown" : new Set([...text.matchAll(READ)].map((m) => m[1]!.toLowerCase()));
  return { text, writes, reads };
}

export function createSql(storage: SqlStorageWithTransactions): Sql {
  let rowsWritten = 0;
  let version = 0;
  let rollbacks = 0;
  /** Bumped by a rollback or a write to a table the text does not name: every table changed. */
  let everything = 0;
  const writesTo = new Map<string, number>();
  const rowsByTable = new Map<string, number>();
  /** The tables the memo read in progress has read so far; null when none is recording. */
  let recording: { tables: Set<string> | null } | null = null;
  // Parsed once per call site: a template's strings array is the same object on every call.
  const statements = new WeakMap<TemplateStringsArray, Statement>();
  const sql = <Row extends SqlRow>(strings: TemplateStringsArray, ...params: SqlParam[]): Row[] => {
    let statement = statements.get(strings);
    if (statement === undefined) {
      statement = statementOf(strings.join("?"));
      statements.set(strings, statement);
    }
    noteReads(statement.reads === "unknown" ? null : statement.reads);
    try {
      const cursor = storage.sql.exec<Row>(statement.text, ...params);
      const rows = cursor.toArray();
      if (cursor.rowsWritten > 0) {
        rowsWritten += cursor.rowsWritten;
        addRows(rowsByTable, statement.writes ?? "unknown", cursor.rowsWritten);
        version++;
        if (statement.writes === null || statement.writes === "unknown") everything++;
        else writesTo.set(statement.writes, (writesTo.get(statement.writes) ?? 0) + 1);
      }
      return rows;
    } catch (error) {
      throw new SqlError(statement.text, error);
    }
  };
  const transaction = <T>(fn: () => T): T => {
    try {
      return storage.transactionSync(fn);
    } catch (error) {
      version++;
      rollbacks++;
      everything++;
      throw error;
    }
  };
  // A sum of counters that only grow changes whenever one of them does.
  const versionOf = (tables: ReadonlySet<string>): number => {
    let sum = everything;
    for (const table of tables) sum += writesTo.get(table) ?? 0;
    return sum;
  };
  function noteReads(tables: ReadonlySet<string> | null): void {
    if (!recording?.tables) return;
    if (tables === null) recording.tables = null;
    else for (const table of tables) recording.tables.add(table);
  }
  const recordingReads = <T>(read: () => T): { value: T; tables: ReadonlySet<string> | null } => {
    const outer = recording;
    const mine: { tables: Set<string> | null } = { tables: new Set() };
    recording = mine;
    try {
      const value = read();
      return { value, tables: mine.tables };
    } finally {
      recording = outer;
      // A memo read inside another memo's read: the outer one depends on what the inner one read.
      noteReads(mine.tables);
    }
  };
  return Object.assign(sql, { rowsWritten: () => rowsWritten, rowsWrittenByTable: () => Object.fromEntries(rowsByTable), version: () => version, rollbacks: () => rollbacks, versionOf, recordingReads, noteReads, transaction });
}

/**
 * A read remembered until the next write to a table it read: the object is single-threaded and
 * every write goes through `sql`, so unchanged tables mean an unchanged answer. The tables are
 * the ones its statements named the last time it ran (a read that could not be told depends on
 * every write). Only for reads that do not depend on the clock (callers pass `now` to the ones
 * that do).
 */
export type Memo<T> = (() => T) & {
  /**
   * Runs `write`, whose effect on the answer the writer knows: when the answer was remembered and
   * still valid before it, `change` makes the new one from it and that is kept as valid, so the next
   * read runs no statement. Otherwise the next read asks again. A rollback afterwards still forgets it.
   */
  writing: (write: () => void, change: (value: T) => T) => void;
};

export function memo<T>(sql: Sql, read: () => T): Memo<T> {
  const NEVER = -1;
  let at = NEVER;
  let tables: ReadonlySet<string> | null = null;
  let value: T;
  const current = () => (tables === null ? sql.version() : sql.versionOf(tables));
  const writing = (write: () => void, change: (value: T) => T): void => {
    const valid = at !== NEVER && at === current();
    write();
    if (!valid) return;
    value = change(value);
    at = current();
  };
  const remembered = () => {
    if (at === NEVER || at !== current()) {
      const recorded = sql.recordingReads(read);
      value = recorded.value;
      tables = recorded.tables;
      at = current();
    } else {
      // Still valid: a memo read that calls this one depends on the same tables.
      sql.noteReads(tables);
    }
    return value;
  };
  return Object.assign(remembered, { writing });
}

/**
 * A read remembered until its repository says a write may have changed it (`changed`), or a
 * transaction rolls back: for an answer most writes to its tables leave as it was, which `memo`
 * would forget at each of them. Every write that can change it must go through that repository.
 */
export function keptUntilChanged<T>(sql: Sql, tables: ReadonlySet<string>, read: () => T): (() => T) & { changed: () => void } {
  let writes = 0;
  let kept: { at: string; value: T } | null = null;
  const remembered = () => {
    const at = `${writes}/${sql.rollbacks()}`;
    if (kept?.at === at) {
      sql.noteReads(tables);
      return kept.value;
    }
    const value = read();
    kept = { at, value };
    return value;
  };
  return Object.assign(remembered, { changed: () => void writes++ });
}

/**
 * A read by key (an id, a day range) remembered like `memo`: every key's answer is forgotten at
 * the next write to a table any of them read. At most `limit` keys are kept.
 */
export function memoBy<K, T>(sql: Sql, read: (key: K) => T, limit = 64): (key: K) => T {
  const NEVER = -1;
  let at = NEVER;
  let tables: Set<string> | null = new Set();
  const values = new Map<K, T>();
  const current = () => (tables === null ? sql.version() : sql.versionOf(tables));
  return (key: K) => {
    if (at !== NEVER && at !== current()) {
      values.clear();
      tables = new Set();
      at = NEVER;
    }
    if (values.has(key)) {
      sql.noteReads(tables);
      return values.get(key) as T;
    }
    if (values.size >= limit) values.clear();
    const recorded = sql.recordingReads(() => read(key));
    values.set(key, recorded.value);
    // The other keys' answers did not read the new tables: they stay valid as of now.
    if (recorded.tables === null) tables = null;
    else if (tables !== null) for (const table of recorded.tables) tables.add(table);
    at = current();
    return recorded.value;
  };
}
