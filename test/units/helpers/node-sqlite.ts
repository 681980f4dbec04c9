// What a Durable Object's storage gives `createSql` (`sql.exec` and `transactionSync`), over
// node:sqlite in memory, so the object's units run against a real SQLite outside workerd. No
// vitest here: the bench's simulation section runs it under tsx (test/simulation/).
import { DatabaseSync, type StatementSync } from "node:sqlite";

type Row = Record<string, SqlStorageValue>;
export type NodeStorage = { sql: SqlStorage; transactionSync<T>(fn: () => T): T; close(): void };

const withoutComments = (text: string) => text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "");
/** Comments and blanks only: what may follow a query's last statement. */
const isBlank = (text: string) => withoutComments(text).trim() === "";
/** A `?`, `?1`, `:name`, `@name` or `$name` outside string literals. */
const hasParameters = (text: string) => /[?]|[:@$][A-Za-z_]/.test(withoutComments(text).replace(/'(?:[^']|'')*'/g, "''"));

export function createNodeStorage(): NodeStorage {
  const db = new DatabaseSync(":memory:");
  const totalChanges = db.prepare("SELECT total_changes() AS n");
  const changesSoFar = () => Number((totalChanges.get() as { n: number }).n);
  let depth = 0;

  /**
   * Like workerd, a query may hold several statements: each but the last runs at once (and
   * must not take bindings), and the cursor is the last one's. Unlike workerd, whose cursor
   * steps lazily, every row is read here before `exec` returns.
   */
  const exec = (query: string, ...bindings: unknown[]) => {
    const before = changesSoFar();
    let rest = query;
    let statement: StatementSync;
    for (;;) {
      statement = db.prepare(rest);
      rest = rest.slice(statement.sourceSQL.length);
      if (isBlank(rest)) break;
      if (hasParameters(statement.sourceSQL)) throw new Error("When executing multiple SQL statements in a single call, only the last statement can have parameters.");
      statement.run();
    }
    const rows = statement.columns().length > 0 ? statement.all(...(bindings as never[])).map((r) => ({ ...r }) as Row) : (statement.run(...(bindings as never[])), []);
    // SQLite's change counter: rows inserted, updated or deleted, by the query's statements and
    // their triggers. workerd counts at its storage layer and may count more than that (writes
    // beneath SQL, such as index entries, which Cloudflare bills as rows written), never less.
    const rowsWritten = changesSoFar() - before;
    return cursorOf(rows, rowsWritten);
  };

  const storage = {
    exec,
    get databaseSize() {
      return Number((db.prepare("SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()").get() as { n: number }).n);
    },
  };

  return {
    // SqlStorage's Cursor and Statement are workerd's classes; nothing here constructs them.
    sql: storage as unknown as SqlStorage,
    /** All of `fn`'s writes or none; a nested call is a savepoint, as in workerd. */
    transactionSync<T>(fn: () => T): T {
      const name = `tx${depth++}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = fn();
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        depth--;
      }
    },
    close: () => db.close(),
  };
}

function cursorOf(rows: Row[], rowsWritten: number) {
  let at = 0;
  const next = (): IteratorResult<Row, undefined> => (at < rows.length ? { done: false, value: rows[at++]! } : { done: true, value: undefined });
  return {
    next,
    toArray: () => rows.slice(at, (at = rows.length)),
    one(): Row {
      if (rows.length !== 1) throw new Error(rows.length === 0 ? "Expected exactly one result from SQL query, but got no results." : "Expected exactly one result from SQL query, but got multiple results.");
      return rows[0]!;
    },
    raw: () => rows.slice(at).map((r) => Object.values(r))[Symbol.iterator](),
    columnNames: rows[0] ? Object.keys(rows[0]) : [],
    // Rows returned, not rows scanned as in workerd: no test reads it.
    rowsRead: rows.length,
    rowsWritten,
    [Symbol.iterator]() {
      return { next, [Symbol.iterator]() { return this; } };
    },
  };
}
