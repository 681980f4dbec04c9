// The due times the units keep in one table (migration 0028), turned into each unit's next due
// time: the rows are read once, and a unit without a row has nothing due.

export type DueTime = { unit: string; dueAt: number | null };

/** `unit`'s next due time in the rows; null when it has none. */
export function dueTimeOf(rows: readonly DueTime[], unit: string): number | null {
  for (const row of rows) if (row.unit === unit) return row.dueAt;
  return null;
}

/**
 * What to write after a unit's rows changed: nothing when its stored time is already `at`, else
 * the new time, or its row's removal when nothing is due.
 */
export function dueTimeWrite(rows: readonly DueTime[], unit: string, at: number | null): { action: "keep" } | { action: "set"; at: number } | { action: "remove" } {
  const stored = rows.some((r) => r.unit === unit) ? dueTimeOf(rows, unit) : undefined;
  if (at === null) return stored === undefined ? { action: "keep" } : { action: "remove" };
  return stored === at ? { action: "keep" } : { action: "set", at };
}
