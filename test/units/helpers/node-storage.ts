// What a Durable Object's storage gives `createSql` (`sql.exec` and `transactionSync`), over
// node:sqlite in memory, so the object's units run against a real SQLite outside workerd. The
// schema comes from the real migration files, applied by the project's own runner.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import { createSql, type Sql } from "../../../src/shared/sql";
import { createNodeStorage, type NodeStorage } from "./node-sqlite";

export { createNodeStorage, type NodeStorage };

const MIGRATIONS_DIR = join(import.meta.dirname, "../../../migrations");

/** The migration files on disk, in their numbered order. */
export function migrationFiles(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.sql$/, ""), sql: readFileSync(join(MIGRATIONS_DIR, f), "utf8") }));
}

/**
 * The project's migration runner, its MIGRATIONS list and FRESH_SCHEMA. migrate.ts imports each file as a text
 * module (wrangler's rule for *.sql); Vite has no such rule, so each file is given to it as that
 * module would be: its text, read from disk.
 */
export async function loadMigrate() {
  for (const file of migrationFiles()) {
    vi.doMock(join(MIGRATIONS_DIR, `${file.name}.sql`), () => ({ default: file.sql }));
  }
  vi.doMock(join(MIGRATIONS_DIR, "schema.sql"), () => ({ default: readFileSync(join(MIGRATIONS_DIR, "schema.sql"), "utf8") }));
  return import("../../../src/shared/migrate");
}

export type MigratedDb = { storage: NodeStorage; sql: Sql; close(): void };

/** A fresh in-memory database at the latest schema, with the `sql` helper the repositories take. */
export async function migratedDb(): Promise<MigratedDb> {
  const { migrate } = await loadMigrate();
  const storage = createNodeStorage();
  try {
    // migrate() is typed with the whole DurableObjectStorage but uses only sql and transactionSync.
    migrate(storage as unknown as DurableObjectStorage, Date.now());
  } catch (error) {
    storage.close();
    throw error;
  }
  return { storage, sql: createSql(storage), close: () => storage.close() };
}
