// The directory's /handoff codes (migrations/directory/0011_handoff_codes.sql): a code's HMAC →
// the object it belongs to, until it expires. Only stores and reads rows.
import type { Sql } from "../shared/sql";

export function createHandoffCodesRepo(sql: Sql) {
  return {
    /** Stores a code's owner and drops the expired codes (they live 15 minutes: the table stays small). */
    add(digest: string, object: string, expiresAt: number, now: number): void {
      sql`DELETE FROM handoff_codes WHERE expires_at <= ${now}`;
      sql`INSERT INTO handoff_codes (digest, object, expires_at) VALUES (${digest}, ${object}, ${expiresAt})`;
    },
    /** The object a code belongs to, expired or not (the object says which); null: never stored, or long gone. */
    objectOf(digest: string): string | null {
      return sql<{ object: string }>`SELECT object FROM handoff_codes WHERE digest = ${digest}`[0]?.object ?? null;
    },
  };
}
export type HandoffCodesRepo = ReturnType<typeof createHandoffCodesRepo>;
