import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { resetToSchema, stubFor } from "./helpers";

it("upgrading from schema 4 fills each task message's schedule id from its message id", async () => {
  const stub = stubFor("+15550000152");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 4)).toEqual([1, 2, 3, 4]);
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

it("rebuilding the hot tables (0006) keeps every run and outbox row, and moves the settings now kept elsewhere", async () => {
  const stub = stubFor("+15550000153");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 5)).toEqual([1, 2, 3, 4, 5]);
    sql.exec("INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, created_at, updated_at, last_seq) VALUES ('r1', 'r1-1', 'streaming', 5, 1, 1, 3)");
    sql.exec("INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, created_at, updated_at, outcome) VALUES ('r0', 'r0-1', 'finished', 0, 0, 0, 'done')");
    sql.exec("INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, twilio_sid, created_at, updated_at) VALUES ('k1', 'sent one', 'read', 0, 'SM1', 0, 0)");
    sql.exec("INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, held, created_at, updated_at) VALUES ('k2', 'held one', 'pending', 0, 1, 0, 0)");
    sql.exec("INSERT INTO settings (key, value) VALUES ('session_id', 's-1'), ('alarm_at', '5'), ('last_inbound_at', '7'), ('phone', '+15550000153')");
  });

  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT id, phase, last_seq, outcome FROM runs ORDER BY id").toArray()).toEqual([
      { id: "r0", phase: "finished", last_seq: 0, outcome: "done" },
      { id: "r1", phase: "streaming", last_seq: 3, outcome: null },
    ]);
    // 0022 then keeps the SID with every channel's message id, in sent_ref.
    expect(sql.exec("SELECT id, dedupe_key, status, held, sent_ref FROM outbox ORDER BY id").toArray()).toEqual([
      { id: 1, dedupe_key: "k1", status: "read", held: 0, sent_ref: "SM1" },
      { id: 2, dedupe_key: "k2", status: "pending", held: 1, sent_ref: null },
    ]);
    expect(sql.exec("SELECT key, value FROM settings ORDER BY key").toArray()).toEqual([]);
    // 0007 then moves the session to the conversation every user starts with.
    expect(sql.exec("SELECT name, session_id FROM conversations").toArray()).toEqual([{ name: "main", session_id: "s-1" }]);
  });
});
