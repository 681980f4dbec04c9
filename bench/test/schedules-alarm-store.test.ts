import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { platformAlarmOf, readStoredAlarms, relayAlarmOf } from "../schedules/alarm-store";

describe("relayAlarmOf", () => {
  it.each([
    { row: { value: "1795393303397" }, want: 1795393303397 },
    { row: { value: null }, want: null },
    { row: undefined, want: null },
    { row: { value: "" }, want: null },
    { row: { value: "soon" }, want: null },
  ])("$row → $want", ({ row, want }) => {
    expect(relayAlarmOf(row)).toBe(want);
  });
});

describe("platformAlarmOf", () => {
  it.each([
    { row: { value: 1795393303397000000n }, want: 1795393303397 },
    { row: { value: null }, want: null },
    { row: undefined, want: null },
  ])("$row → $want", ({ row, want }) => {
    expect(platformAlarmOf(row)).toBe(want);
  });
});

describe("readStoredAlarms", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** An object file laid out as wrangler dev persists a SQLite-backed Durable Object. */
  function objectFile(dir: string, id: string, name: string, relayAlarm: string | null, platformAlarmNs: bigint | null | "no table"): void {
    const db = new DatabaseSync(join(dir, `${id}.sqlite`));
    db.exec("CREATE TABLE __miniflare_do_name (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);");
    db.prepare("INSERT INTO __miniflare_do_name (name) VALUES (?)").run(name);
    if (relayAlarm !== null) db.prepare("INSERT INTO settings VALUES ('alarm_at', ?)").run(relayAlarm);
    if (platformAlarmNs !== "no table") {
      db.exec("CREATE TABLE _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB)");
      if (platformAlarmNs !== null) db.prepare("INSERT INTO _cf_METADATA VALUES (1, ?)").run(platformAlarmNs);
    }
    db.close();
  }

  it("names each object by its phone and reads both alarms, absent ones as null", async () => {
    const persistTo = await mkdtemp(join(tmpdir(), "bench-alarm-store-"));
    dirs.push(persistTo);
    const dir = join(persistTo, "v3", "do", "whatsapp-agent-relay-PhoneAgent");
    await mkdir(dir, { recursive: true });
    objectFile(dir, "a".repeat(64), "+15560000001", "1795393303397", 1795393303397000000n);
    objectFile(dir, "b".repeat(64), "+15560000002", null, null);
    objectFile(dir, "c".repeat(64), "+15560000003", null, "no table");
    const alarms = await readStoredAlarms(persistTo);
    expect([...alarms.values()].sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: "+15560000001", relayAlarmAt: 1795393303397, platformAlarmAt: 1795393303397 },
      { name: "+15560000002", relayAlarmAt: null, platformAlarmAt: null },
      { name: "+15560000003", relayAlarmAt: null, platformAlarmAt: null },
    ]);
  });
});
