import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { platformAlarmOf, readStoredAlarms } from "../schedules/alarm-store";

describe("platformAlarmOf", () => {
  it.each([
    { row: { value: 1795393303397000000n }, want: 1795393303397 },
    { row: { value: 1795393303397999999n }, want: 1795393303397 },
    { row: { value: null }, want: null },
    { row: undefined, want: null },
    { row: { value: "1795393303397000000" }, want: null },
  ])("$row → $want", ({ row, want }) => {
    expect(platformAlarmOf(row)).toBe(want);
  });
});

describe("readStoredAlarms", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** How the object's file is laid out: what workerd's metadata table holds, and any settings rows. */
  type Layout = { platformAlarmNs: bigint | null | "no table"; settings?: Record<string, string> };

  /** An object file laid out as wrangler dev persists a SQLite-backed Durable Object. */
  function objectFile(dir: string, id: string, name: string, layout: Layout): void {
    const db = new DatabaseSync(join(dir, `${id}.sqlite`));
    db.exec("CREATE TABLE __miniflare_do_name (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);");
    db.prepare("INSERT INTO __miniflare_do_name (name) VALUES (?)").run(name);
    for (const [key, value] of Object.entries(layout.settings ?? {})) db.prepare("INSERT INTO settings VALUES (?, ?)").run(key, value);
    if (layout.platformAlarmNs !== "no table") {
      db.exec("CREATE TABLE _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB)");
      if (layout.platformAlarmNs !== null) db.prepare("INSERT INTO _cf_METADATA VALUES (1, ?)").run(layout.platformAlarmNs);
    }
    db.close();
  }

  const cases: { name: string; layout: Layout; alarmAt: number | null }[] = [
    { name: "workerd's alarm row, in ms", layout: { platformAlarmNs: 1795393303397000000n }, alarmAt: 1795393303397 },
    { name: "metadata table without an alarm row (the alarm was deleted)", layout: { platformAlarmNs: null }, alarmAt: null },
    { name: "no metadata table (never had an alarm)", layout: { platformAlarmNs: "no table" }, alarmAt: null },
    // Storage from before migration 0006 may still hold the relay's old copy; it is not an alarm.
    { name: "a leftover settings.alarm_at without a platform alarm", layout: { platformAlarmNs: "no table", settings: { alarm_at: "1795393303397" } }, alarmAt: null },
    { name: "a leftover settings.alarm_at that disagrees", layout: { platformAlarmNs: 1795393400000000000n, settings: { alarm_at: "1795393303397" } }, alarmAt: 1795393400000 },
  ];

  it.each(cases)("$name", async ({ layout, alarmAt }) => {
    const persistTo = await mkdtemp(join(tmpdir(), "bench-alarm-store-"));
    dirs.push(persistTo);
    const dir = join(persistTo, "v3", "do", "whatsapp-agent-relay-PhoneAgent");
    await mkdir(dir, { recursive: true });
    objectFile(dir, "a".repeat(64), "+15560000001", layout);
    // A second object, with no alarm, so each is read under its own name.
    objectFile(dir, "b".repeat(64), "+15560000002", { platformAlarmNs: "no table" });
    const alarms = await readStoredAlarms(persistTo);
    expect([...alarms.values()].sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: "+15560000001", alarmAt },
      { name: "+15560000002", alarmAt: null },
    ]);
  });
});
