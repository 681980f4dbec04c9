// The UserDirectory's one table: numbers an admin allowed (/allow) or denied again (/deny).
import type { Sql } from "../shared/sql";

type AllowlistRow = { phone: string; allowed: number; changed_by: string; changed_at: number };

export type AllowlistEntry = { phone: string; allowed: boolean; changedBy: string; changedAt: number };

function toEntry(row: AllowlistRow): AllowlistEntry {
  return { phone: row.phone, allowed: row.allowed === 1, changedBy: row.changed_by, changedAt: row.changed_at };
}

export function createAllowlistRepo(sql: Sql) {
  return {
    get(phone: string): AllowlistEntry | null {
      const row = sql<AllowlistRow>`SELECT * FROM allowlist WHERE phone = ${phone}`[0];
      return row ? toEntry(row) : null;
    },
    /** Every number ever allowed, denied ones included, in number order. */
    list(): AllowlistEntry[] {
      return sql<AllowlistRow>`SELECT * FROM allowlist ORDER BY phone`.map(toEntry);
    },
    /** The numbers allowed now: what the Worker caches. */
    allowedNumbers(): string[] {
      return sql<{ phone: string }>`SELECT phone FROM allowlist WHERE allowed = 1 ORDER BY phone`.map((r) => r.phone);
    },
    set(phone: string, allowed: boolean, by: string, now: number): void {
      sql`INSERT INTO allowlist (phone, allowed, changed_by, changed_at) VALUES (${phone}, ${allowed ? 1 : 0}, ${by}, ${now})
        ON CONFLICT (phone) DO UPDATE SET allowed = excluded.allowed, changed_by = excluded.changed_by, changed_at = excluded.changed_at`;
    },
  };
}
export type AllowlistRepo = ReturnType<typeof createAllowlistRepo>;
