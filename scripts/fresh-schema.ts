// Writes migrations/schema.sql: what every numbered migration leaves in an empty database, which
// migrate() gives a brand-new PhoneAgent at once instead of replaying their table rebuilds (about
// 7 ms of workerd CPU off a new phone's first message). Run it after adding a migration:
//   npx tsx scripts/fresh-schema.ts
// A units test (test/units/fresh-schema.test.ts) fails while the file is stale.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

const MIGRATIONS_DIR = join(import.meta.dirname, "../migrations");
export const FRESH_SCHEMA_FILE = join(MIGRATIONS_DIR, "schema.sql");

/** The one row the migrations leave in an empty database (0007's `main` conversation), dated when it runs. */
const MAIN_CONVERSATION =
  "INSERT INTO conversations (id, name, workspace, created_at, last_active_at)\n" +
  "  VALUES (1, 'main', 'main', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);";

/** The numbered migration files, in order. */
export function migrationTexts(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((f) => readFileSync(join(MIGRATIONS_DIR, f), "utf8"));
}

/**
 * The schema the migrations leave, as SQLite keeps it (sqlite_master, in creation order), their
 * comments left out (each is in its migration). Throws if they leave rows other than the `main`
 * conversation: this file would not make them.
 */
export function freshSchemaSql(migrations: readonly string[]): string {
  const db = new DatabaseSync(":memory:");
  try {
    for (const sql of migrations) db.exec(sql);
    const objects = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { type: string; name: string; sql: string }[];
    for (const { name } of objects.filter((o) => o.type === "table")) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
      const expected = name === "conversations" ? [{ id: 1, name: "main", workspace: "main" }] : [];
      const found = rows.map((r) => (name === "conversations" ? { id: r.id, name: r.name, workspace: r.workspace } : r));
      if (JSON.stringify(found) !== JSON.stringify(expected)) throw new Error(`the migrations leave rows in ${name} that schema.sql would not make: update scripts/fresh-schema.ts`);
    }
    const statements = objects.map((o) => `${o.sql.replace(/[ \t]*--[^\n]*\n/g, "")};`);
    const header = `-- Written by scripts/fresh-schema.ts: what migrations 1-${migrations.length} leave. Do not edit.\n`;
    return `${header}${[...statements, MAIN_CONVERSATION].join("\n")}\n`;
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(FRESH_SCHEMA_FILE, freshSchemaSql(migrationTexts()));
  console.log(`wrote ${FRESH_SCHEMA_FILE}`);
}
