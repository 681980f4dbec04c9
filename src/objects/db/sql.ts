// A tagged template over Durable Object SQLite: `${}` become bound parameters, and a
// failure carries the query text (never the values, which may hold message bodies).
// It also counts writes, so hot reads can be remembered until the next write (see memo).
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
  /** Changes whenever a statement wrote rows or a transaction rolled back: what a memo is valid for. */
  readonly version: () => number;
  /** Changes only when a transaction rolled back: write-through caches must then reload. */
  readonly rollbacks: () => number;
  /** One SQLite transaction; if `fn` throws, every write in it is undone and caches are told. */
  readonly transaction: Transaction;
};

type SqlStorageWithTransactions = { sql: SqlStorage; transactionSync<T>(fn: () => T): T };

export function createSql(storage: SqlStorageWithTransactions): Sql {
  let rowsWritten = 0;
  let version = 0;
  let rollbacks = 0;
  // Query text per call site: a template's strings array is the same object on every call.
  const queries = new WeakMap<TemplateStringsArray, string>();
  const sql = <Row extends SqlRow>(strings: TemplateStringsArray, ...params: SqlParam[]): Row[] => {
    let query = queries.get(strings);
    if (query === undefined) {
      query = strings.join("?");
      queries.set(strings, query);
    }
    try {
      const cursor = storage.sql.exec<Row>(query, ...params);
      const rows = cursor.toArray();
      if (cursor.rowsWritten > 0) {
        rowsWritten += cursor.rowsWritten;
        version++;
      }
      return rows;
    } catch (error) {
      throw new SqlError(query, error);
    }
  };
  const transaction = <T>(fn: () => T): T => {
    try {
      return storage.transactionSync(fn);
    } catch (error) {
      version++;
      rollbacks++;
      throw error;
    }
  };
  return Object.assign(sql, { rowsWritten: () => rowsWritten, version: () => version, rollbacks: () => rollbacks, transaction });
}

/**
 * A read remembered until the next write: the object is single-threaded and every write goes
 * through `sql`, so an unchanged version means an unchanged answer. Only for reads that do not
 * depend on the clock (callers pass `now` to the ones that do).
 */
export function memo<T>(sql: Sql, read: () => T): () => T {
  let at = -1;
  let value: T;
  return () => {
    if (at !== sql.version()) {
      value = read();
      at = sql.version();
    }
    return value;
  };
}
