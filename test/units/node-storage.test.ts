// The Node stand-in for Durable Object storage behaves as workerd's does where the units rely on
// it: the real migrations apply through the project's runner, writes are counted, and a
// transaction that throws leaves nothing behind (a nested one only its own part).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSql, SqlError, type Sql } from "../../src/shared/sql";
import { createNodeStorage, loadMigrate, migratedDb, migrationFiles, type MigratedDb } from "./helpers/node-storage";

let db: MigratedDb;
let sql: Sql;
beforeEach(async () => {
  db = await migratedDb();
  sql = db.sql;
});
afterEach(() => db.close());

const settingsCount = () => sql<{ n: number }>`SELECT count(*) AS n FROM settings`[0]!.n;

describe("the schema", () => {
  it("is every migration file, applied in order and recorded by the project's runner", async () => {
    const { MIGRATIONS } = await loadMigrate();
    const files = migrationFiles();
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files.map((f) => f.name));
    const recorded = db.storage.sql.exec<{ id: number; name: string }>("SELECT id, name FROM schema_migrations ORDER BY id").toArray();
    expect(recorded).toEqual(files.map((f, i) => ({ id: i + 1, name: f.name })));
  });

  it("is applied once: running the runner again applies nothing", async () => {
    const { migrate } = await loadMigrate();
    expect(migrate(db.storage as unknown as DurableObjectStorage, Date.now())).toEqual([]);
  });
});

describe("sql.exec", () => {
  it("counts rows written as the statements changed them, and none for a read", () => {
    const insert = db.storage.sql.exec("INSERT INTO settings (key, value) VALUES ('a', '1'), ('b', '2')");
    expect(insert.rowsWritten).toBe(2);
    const read = db.storage.sql.exec("SELECT * FROM settings");
    expect(read.toArray()).toEqual([{ key: "a", value: "1" }, { key: "b", value: "2" }]);
    expect(read.rowsWritten).toBe(0);
    expect(db.storage.sql.exec("UPDATE settings SET value = 'x' WHERE key = 'nope'").rowsWritten).toBe(0);
    const returning = db.storage.sql.exec<{ key: string }>("DELETE FROM settings WHERE key = ? RETURNING key", "a");
    expect([...returning]).toEqual([{ key: "a" }]);
    expect(returning.rowsWritten).toBe(1);
  });

  it("runs several statements in one call, bindings only in the last; one() wants exactly one row", () => {
    const cursor = db.storage.sql.exec("INSERT INTO settings (key, value) VALUES ('a', '1'); -- first\nSELECT value FROM settings WHERE key = ?", "a");
    expect(cursor.one()).toEqual({ value: "1" });
    expect(cursor.rowsWritten).toBe(1);
    expect(() => db.storage.sql.exec("SELECT ?; SELECT 1", 1)).toThrow(/only the last statement/);
    expect(() => db.storage.sql.exec("SELECT * FROM settings WHERE key = 'none'").one()).toThrow(/got no results/);
  });

  it("through createSql: counts the writes, and names the query when it fails", () => {
    sql`INSERT INTO settings (key, value) VALUES (${"a"}, ${"1"})`;
    sql`INSERT INTO settings (key, value) VALUES (${"b"}, ${"2"}) ON CONFLICT (key) DO NOTHING`;
    expect(sql.rowsWritten()).toBe(2);
    expect(sql.rowsWrittenByTable()).toEqual({ settings: 2 });
    expect(() => sql`SELECT * FROM no_such_table`).toThrow(SqlError);
    expect(() => sql`SELECT * FROM no_such_table`).toThrow(/in: SELECT \* FROM no_such_table/);
  });
});

describe("transactionSync", () => {
  it("keeps every write of a transaction that returns", () => {
    const out = sql.transaction(() => {
      sql`INSERT INTO settings (key, value) VALUES ('a', '1')`;
      sql`INSERT INTO settings (key, value) VALUES ('b', '2')`;
      return "done";
    });
    expect(out).toBe("done");
    expect(settingsCount()).toBe(2);
  });

  it("rolls back every write of a transaction that throws, and tells the sql helper", () => {
    const rollbacks = sql.rollbacks();
    expect(() =>
      sql.transaction(() => {
        sql`INSERT INTO settings (key, value) VALUES ('a', '1')`;
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(settingsCount()).toBe(0);
    expect(sql.rollbacks()).toBe(rollbacks + 1);
  });

  it("a nested transaction that throws undoes only its own writes", () => {
    sql.transaction(() => {
      sql`INSERT INTO settings (key, value) VALUES ('outer', '1')`;
      expect(() =>
        sql.transaction(() => {
          sql`INSERT INTO settings (key, value) VALUES ('inner', '2')`;
          throw new Error("inner");
        }),
      ).toThrow("inner");
    });
    expect(sql<{ key: string }>`SELECT key FROM settings`).toEqual([{ key: "outer" }]);
  });

  it("an empty database is an empty database: a store without migrations has no tables", () => {
    const bare = createNodeStorage();
    try {
      expect(createSql(bare)`SELECT name FROM sqlite_master`).toEqual([]);
    } finally {
      bare.close();
    }
  });
});
