// The due_times table (migration 0028): each unit that can keep its next due time writes it as it
// writes the rows that change it, and the object plans its one alarm by reading this one table.
// The write runs right after the unit's own write, with no await between: inside the caller's
// transaction when there is one, in the same implicit one (the object's writes of one event are
// committed together) when not. Nothing here is a copy kept beside the table: a read of it is a
// remembered read (memo), forgotten at the next write to it.
import { type DueTime, dueTimeOf, dueTimeWrite } from "./due-times";
import { memo, type Sql } from "./sql";

export function createDueTimesRepo(sql: Sql) {
  const all = memo(sql, (): DueTime[] => sql<{ unit: string; due_at: number | null }>`SELECT unit, due_at FROM due_times`.map((r) => ({ unit: r.unit, dueAt: r.due_at })));
  return {
    all,
    /** `unit`'s stored next due time; null when nothing is due. */
    of: (unit: string): number | null => dueTimeOf(all(), unit),
    /** Stores `unit`'s next due time (null: nothing due); writes nothing when it is unchanged. */
    set(unit: string, at: number | null): void {
      const write = dueTimeWrite(all(), unit, at);
      if (write.action === "set") sql`INSERT INTO due_times (unit, due_at) VALUES (${unit}, ${write.at}) ON CONFLICT (unit) DO UPDATE SET due_at = excluded.due_at`;
      else if (write.action === "remove") sql`DELETE FROM due_times WHERE unit = ${unit}`;
    },
  };
}
export type DueTimesRepo = ReturnType<typeof createDueTimesRepo>;

/**
 * `repo` with each of its `writes` followed by storing `unit`'s due time as `dueAt` computes it
 * from the rows the write left: every write that can change the due time must be listed.
 */
export function keepingDueTime<R extends Record<string, unknown>, K extends keyof R>(repo: R, d: { dueTimes: DueTimesRepo; unit: string; dueAt: () => number | null; writes: readonly K[] }): R {
  const wrapped: Record<string, unknown> = { ...repo };
  for (const name of d.writes) {
    const write = repo[name] as (...args: unknown[]) => unknown;
    wrapped[name as string] = (...args: unknown[]) => {
      const result = write(...args);
      d.dueTimes.set(d.unit, d.dueAt());
      return result;
    };
  }
  return wrapped as R;
}
