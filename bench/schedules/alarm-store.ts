// Reads, from `wrangler dev`'s persisted storage, whether each phone's Durable Object has an
// alarm set. The alarm is the platform's alone (the relay keeps no copy since migration 0006):
// workerd keeps it in the object's SQLite file, table _cf_METADATA, key 1, in nanoseconds.
// Read-only, WAL-safe.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { z } from "zod";

/** One object's stored alarm: epoch ms, or null when none is set. */
export type StoredAlarm = { name: string; alarmAt: number | null };

/** workerd's metadata key for the alarm (ActorSqlite's SqliteMetadata). */
const ALARM_KEY = 1n;
const OBJECTS_DIR = join("v3", "do", "whatsapp-agent-relay-PhoneAgent");

const NameRow = z.object({ name: z.string() });
const MetaRow = z.object({ value: z.union([z.bigint(), z.null()]) });

/** workerd's alarm row (nanoseconds since the epoch) as epoch ms; no row or null is no alarm. */
export function platformAlarmOf(row: unknown): number | null {
  const parsed = MetaRow.safeParse(row);
  return parsed.success && parsed.data.value !== null ? Number(parsed.data.value / 1_000_000n) : null;
}

/** Every Durable Object of the relay in `persistTo`, by the name it was made from (the phone). */
export async function readStoredAlarms(persistTo: string): Promise<Map<string, StoredAlarm>> {
  const dir = join(persistTo, OBJECTS_DIR);
  const files = (await readdir(dir)).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f));
  const alarms = new Map<string, StoredAlarm>();
  for (const file of files) {
    const db = new DatabaseSync(join(dir, file), { readOnly: true });
    try {
      const name = NameRow.parse(db.prepare("SELECT name FROM __miniflare_do_name LIMIT 1").get()).name;
      // workerd creates its metadata table with the first alarm: no table, no alarm.
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_cf_METADATA'").get() !== undefined;
      const meta = hasMeta ? db.prepare("SELECT value FROM _cf_METADATA WHERE key = ?") : null;
      meta?.setReadBigInts(true);
      alarms.set(name, { name, alarmAt: platformAlarmOf(meta?.get(ALARM_KEY)) });
    } finally {
      db.close();
    }
  }
  return alarms;
}
