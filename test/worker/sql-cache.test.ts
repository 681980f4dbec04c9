// The object's read caches against real Durable Object SQLite: a write is seen at once, and a
// rolled-back transaction leaves no cached value behind.
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { createOutboxRepo } from "../../src/outbox/outbox-repo";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { createSql, memo } from "../../src/shared/sql";
import { stubFor } from "./helpers";

const phone = "+15550000141";

it("settings are cached write-through, and a rolled-back transaction reloads them", async () => {
  await runInDurableObject(stubFor(phone), (_agent, state) => {
    const sql = createSql(state.storage);
    const settings = createSettingsRepo(sql);
    settings.set("time_zone", "Europe/Paris");
    expect(settings.get("time_zone")).toBe("Europe/Paris");
    expect(() =>
      sql.transaction(() => {
        settings.set("time_zone", "Asia/Kolkata");
        expect(settings.get("time_zone")).toBe("Asia/Kolkata");
        throw new Error("abandon the transaction");
      }),
    ).toThrow("abandon the transaction");
    // The row went back; so does what the repository answers.
    expect(state.storage.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = 'time_zone'").one().value).toBe("Europe/Paris");
    expect(settings.get("time_zone")).toBe("Europe/Paris");
    settings.set("time_zone", null);
    expect(settings.get("time_zone")).toBeNull();
    expect(state.storage.sql.exec("SELECT * FROM settings WHERE key = 'time_zone'").toArray()).toEqual([]);
  });
});

it("a remembered read is asked again only after a statement wrote rows or a transaction rolled back", async () => {
  await runInDurableObject(stubFor(phone), (_agent, state) => {
    const sql = createSql(state.storage);
    const outbox = createOutboxRepo(sql);
    let reads = 0;
    const pending = memo(sql, () => {
      reads++;
      return sql<{ n: number }>`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`[0]!.n;
    });
    const before = pending();
    expect([pending(), pending(), reads]).toEqual([before, before, 1]);
    // A statement that changes nothing keeps the memo; one that writes a row does not.
    sql`UPDATE outbox SET status = 'pending' WHERE id = -1`;
    expect([pending(), reads]).toEqual([before, 1]);
    outbox.add({ dedupeKey: "cache-test", body: "hello", now: 1 });
    expect([pending(), reads]).toEqual([before + 1, 2]);
    expect(outbox.head()?.dedupeKey).toBe("cache-test");
    expect(() =>
      sql.transaction(() => {
        outbox.add({ dedupeKey: "cache-test-2", body: "again", now: 2 });
        expect(pending()).toBe(before + 2);
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(pending()).toBe(before + 1);
    expect(reads).toBe(4);
  });
});
