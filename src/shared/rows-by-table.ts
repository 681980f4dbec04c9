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

/**
 * The rows a step's own log line already reports (a webhook's stored message, a status callback),
 * kept apart from the rest. Those steps run while a pump of the same object may be under way (a
 * message arriving during a run's stream, a callback during a send), and a pump's line counts
 * from its start to its end: without this, their rows were in both lines (the bench's "run" step
 * showed a message's insert, 3 rows, again). `unreported` is what no such line took.
 */
export function reportedRows(written: { rowsWritten: () => number; rowsWrittenByTable: () => RowsByTable }) {
  let total = 0;
  const byTable = new Map<string, number>();
  return {
    /** The rows written while `step` ran (it must not await: nothing else may write meanwhile), noted as reported by its line. */
    report<T>(step: () => T): { value: T; rows: number; rowsByTable: RowsByTable } {
      const [rowsBefore, tablesBefore] = [written.rowsWritten(), written.rowsWrittenByTable()];
      const value = step();
      const [rows, rowsByTable] = [written.rowsWritten() - rowsBefore, rowsWrittenSince(tablesBefore, written.rowsWrittenByTable())];
      total += rows;
      for (const [table, n] of Object.entries(rowsByTable)) addRows(byTable, table, n);
      return { value, rows, rowsByTable };
    },
    /** Rows written that no line reported: what a pump's line counts between two of its looks. */
    unreported: {
      rowsWritten: (): number => written.rowsWritten() - total,
      rowsWrittenByTable: (): RowsByTable => rowsWrittenSince(Object.fromEntries(byTable), written.rowsWrittenByTable()),
    },
  };
}
