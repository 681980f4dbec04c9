// The directory's table of HTTP triggers made before doors (triggers/door-keys.ts): id → the object that
// owns it, and its token's SHA-256. Nothing reads it to fire a trigger any more; /trigger remove clears a row.
import type { Sql } from "../shared/sql";

export function createTriggerDirectoryRepo(sql: Sql) {
  return {
    /** Removes trigger `id` if `home` owns it; whether it did. */
    remove(id: string, home: string): boolean {
      const before = sql<{ n: number }>`SELECT count(*) AS n FROM triggers WHERE id = ${id} AND home = ${home}`[0]?.n ?? 0;
      sql`DELETE FROM triggers WHERE id = ${id} AND home = ${home}`;
      return before > 0;
    },
  };
}
export type TriggerDirectoryRepo = ReturnType<typeof createTriggerDirectoryRepo>;
