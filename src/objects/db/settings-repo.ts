// Small per-phone facts kept as key/value rows: who this object is, the agent session, clocks.
import type { Sql } from "./sql";

type SettingKey =
  | "phone"
  | "session_id"
  | "public_origin"
  | "last_inbound_at"
  | "last_inbound_sid"
  | "last_activity_at"
  | "alarm_at"
  | "time_zone"
  | "pruned_at";

export function createSettingsRepo(sql: Sql) {
  const get = (key: SettingKey): string | null =>
    sql<{ value: string }>`SELECT value FROM settings WHERE key = ${key}`[0]?.value ?? null;
  /** Writes only when the value changes: most calls repeat what is stored. */
  const set = (key: SettingKey, value: string | number | null): void => {
    if ((value === null ? null : String(value)) === get(key)) return;
    if (value === null) sql`DELETE FROM settings WHERE key = ${key}`;
    else sql`INSERT INTO settings (key, value) VALUES (${key}, ${String(value)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
  };
  const getNumber = (key: SettingKey): number | null => {
    const value = get(key);
    return value === null ? null : Number(value);
  };
  return { get, set, getNumber };
}
export type SettingsRepo = ReturnType<typeof createSettingsRepo>;
