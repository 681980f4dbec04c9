// Rows written per table, as Sql counts them (sql.ts) and the object's log lines carry them: pure,
// so the log lines (which the VM imports too) need nothing of the Durable Object's SQL.
/** Rows written per table (workerd's `rowsWritten`, the table's own row and its index entries). */
export type RowsByTable = Readonly<Record<string, number>>;

/** `rows` more written to `table`: the per-table count every write adds to. */
export function addRows(counts: Map<string, number>, table: string, rows: number): void {
  if (rows > 0) counts.set(table, (counts.get(table) ?? 0) + rows);
}

/** What was written per table between two snapshots of `rowsWrittenByTable`, tables that wrote none left out. */
export function rowsWrittenSince(before: RowsByTable, after: RowsByTable): RowsByTable {
  const since: Record<string, number> = {};
  for (const [table, rows] of Object.entries(after)) if (rows > (before[table] ?? 0)) since[table] = rows - (before[table] ?? 0);
  return since;
}

/** Several steps' rows per table added up (a log line gathering several pumps or messages). */
export function sumRows(parts: readonly RowsByTable[]): RowsByTable {
  const sum = new Map<string, number>();
  for (const part of parts) for (const [table, rows] of Object.entries(part)) addRows(sum, table, rows);
  return Object.fromEntries(sum);
}
