// A brand-new object gets migrations/schema.sql at once instead of replaying every migration:
// the schema must be the same, in PRAGMA terms (tables, columns with type, default and not-null,
// keys, indexes with their columns, uniqueness and conditions), and an older object still
// replays only what it lacks.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FRESH_SCHEMA_FILE, freshSchemaSql, migrationTexts } from "../../scripts/fresh-schema";
import { describeSchema as describeSchemaOf } from "../helpers/schema-description";
import { createNodeStorage, loadMigrate, type NodeStorage } from "./helpers/node-storage";

type Db = NodeStorage;
const opened: Db[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));
const fresh = (): Db => {
  const db = createNodeStorage();
  opened.push(db);
  return db;
};
const asDo = (db: Db) => db as unknown as DurableObjectStorage;
const all = (db: Db, sql: string): Record<string, SqlStorageValue>[] => db.sql.exec(sql).toArray();

const describeSchema = (db: Db) => describeSchemaOf(db.sql);

describe("the fresh schema (migrations/schema.sql)", () => {
  it("is what scripts/fresh-schema.ts writes from today's migrations (run it after adding one)", async () => {
    const { FRESH_SCHEMA, MIGRATIONS } = await loadMigrate();
    expect(readFileSync(FRESH_SCHEMA_FILE, "utf8")).toBe(freshSchemaSql(migrationTexts()));
    expect(FRESH_SCHEMA.upTo).toBe(MIGRATIONS.length);
  });

  it("leaves a new object as replaying every migration one by one does, all ids recorded", async () => {
    const { FRESH_SCHEMA, MIGRATIONS, migrate } = await loadMigrate();
    const replayed = fresh();
    for (const m of MIGRATIONS) expect(migrate(asDo(replayed), Date.now(), MIGRATIONS.slice(0, m.id))).toEqual([m.id]);
    const made = fresh();
    expect(migrate(asDo(made), Date.now(), MIGRATIONS, FRESH_SCHEMA)).toEqual(MIGRATIONS.map((m) => m.id));
    const expected = describeSchema(replayed);
    expect(expected.tables.find((t) => t.table === "conversations")?.rows).toEqual([expect.objectContaining({ id: 1, name: "main", workspace: "main", approval_mode: null })]);
    expect(describeSchema(made)).toEqual(expected);
    // Applying again is a no-op.
    expect(migrate(asDo(made), Date.now(), MIGRATIONS, FRESH_SCHEMA)).toEqual([]);
  });

  it.each(Array.from({ length: 14 }, (_, i) => i + 1))("leaves an object made at schema %i replaying only the later migrations", async (upTo) => {
    const { FRESH_SCHEMA, MIGRATIONS, migrate } = await loadMigrate();
    const old = fresh();
    migrate(asDo(old), Date.now(), MIGRATIONS.slice(0, upTo));
    expect(migrate(asDo(old), Date.now(), MIGRATIONS, FRESH_SCHEMA)).toEqual(MIGRATIONS.slice(upTo).map((m) => m.id));
    const made = fresh();
    migrate(asDo(made), Date.now(), MIGRATIONS, FRESH_SCHEMA);
    expect(describeSchema(old)).toEqual(describeSchema(made));
  });

  it("is not used for a list it does not reach, nor for a later migration", async () => {
    const { FRESH_SCHEMA, MIGRATIONS, migrate } = await loadMigrate();
    const short = fresh();
    expect(migrate(asDo(short), Date.now(), MIGRATIONS.slice(0, 3), FRESH_SCHEMA)).toEqual([1, 2, 3]);
    expect(all(short, "SELECT name FROM sqlite_master WHERE name = 'conversations'")).toEqual([]);
    const later = [...MIGRATIONS, { id: MIGRATIONS.length + 1, name: "later", sql: "CREATE TABLE later (a INTEGER)" }];
    const made = fresh();
    expect(migrate(asDo(made), Date.now(), later, FRESH_SCHEMA)).toEqual(later.map((m) => m.id));
    expect(all(made, "SELECT name FROM schema_migrations WHERE id = " + (MIGRATIONS.length + 1))).toEqual([{ name: "later" }]);
    expect(all(made, "SELECT name FROM sqlite_master WHERE name = 'later'")).toEqual([{ name: "later" }]);
  });
});
