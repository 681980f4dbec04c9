// A tagged template over Durable Object SQLite: `${}` become bound parameters, and a
// failure carries the query text (never the values, which may hold message bodies).
export type SqlParam = string | number | null;
export type SqlRow = Record<string, SqlStorageValue>;

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
};

export function createSql(storage: SqlStorage): Sql {
  let rowsWritten = 0;
  const sql = <Row extends SqlRow>(strings: TemplateStringsArray, ...params: SqlParam[]): Row[] => {
    const query = strings.reduce((text, part, i) => text + (i > 0 ? "?" : "") + part, "");
    try {
      const cursor = storage.exec<Row>(query, ...params);
      const rows = cursor.toArray();
      rowsWritten += cursor.rowsWritten;
      return rows;
    } catch (error) {
      throw new SqlError(query, error);
    }
  };
  return Object.assign(sql, { rowsWritten: () => rowsWritten });
}
