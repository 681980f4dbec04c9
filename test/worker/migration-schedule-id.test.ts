import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../src/objects/db/migrate";
import { stubFor } from "./helpers";

it("upgrading from schema 4 fills each task message's schedule id from its message id", async () => {
  const stub = stubFor("+15550000121");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    for (const table of ["tool_calls", "task_runs", "schedules", "outbox", "runs", "messages", "settings", "schema_migrations"]) sql.exec(`DROP TABLE IF EXISTS ${table}`);
    expect(migrate(state.storage, MIGRATIONS.slice(0, 4))).toEqual([1, 2, 3, 4]);
    const insert = "INSERT INTO messages (id, body, received_at, status, updated_at, kind) VALUES (?, ?, 1, 'queued', 1, ?)";
    sql.exec(insert, "task-7-1700000000000", "standup", "task_fresh");
    sql.exec(insert, "task-12-1700000060000", "digest", "task_chat");
    sql.exec(insert, "SMuser", "task-3-5 looks like a task id but is the user's", "user");
  });

  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const rows = state.storage.sql.exec("SELECT id, schedule_id, status FROM messages ORDER BY seq").toArray();
    expect(rows).toEqual([
      { id: "task-7-1700000000000", schedule_id: 7, status: "queued" },
      { id: "task-12-1700000060000", schedule_id: 12, status: "queued" },
      { id: "SMuser", schedule_id: null, status: "queued" },
    ]);
  });
});
