// The directory's table of HTTP triggers: id → the object that owns it, and its token's SHA-256.
import type { Sql } from "./sql";

type TriggerEntryRow = { id: string; home: string; name: string; token_sha256: string; created_at: number };

export type TriggerEntry = { id: string; home: string; name: string; tokenSha256: string; createdAt: number };

export function createTriggerDirectoryRepo(sql: Sql) {
  return {
    get(id: string): TriggerEntry | null {
      const row = sql<TriggerEntryRow>`SELECT * FROM triggers WHERE id = ${id}`[0];
      return row ? { id: row.id, home: row.home, name: row.name, tokenSha256: row.token_sha256, createdAt: row.created_at } : null;
    },
    add(e: { id: string; home: string; name: string; tokenSha256: string; now: number }): void {
      sql`INSERT INTO triggers (id, home, name, token_sha256, created_at) VALUES (${e.id}, ${e.home}, ${e.name}, ${e.tokenSha256}, ${e.now})`;
    },
    /** Removes trigger `id` if `home` owns it; whether it did. */
    remove(id: string, home: string): boolean {
      const before = sql<{ n: number }>`SELECT count(*) AS n FROM triggers WHERE id = ${id} AND home = ${home}`[0]?.n ?? 0;
      sql`DELETE FROM triggers WHERE id = ${id} AND home = ${home}`;
      return before > 0;
    },
  };
}
export type TriggerDirectoryRepo = ReturnType<typeof createTriggerDirectoryRepo>;
