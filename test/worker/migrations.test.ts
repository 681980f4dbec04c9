import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../src/shared/migrate";
import { createLiveEventsRepo } from "../../src/web/live-events-repo";
import { createSql } from "../../src/shared/sql";
import { createRunsRepo } from "../../src/runs/runs-repo";
import { toolCallsOfRun } from "../../src/runs/run-tool-calls";
import { describeSchema } from "../helpers/schema-description";
import { resetToSchema, stubFor } from "./helpers";

const phone = "+15550000120";

it("upgrades an object holding data from schema 1 without losing it", async () => {
  const stub = stubFor(phone);
  // Put the object back to what schema 1 left behind, with a queued message in it.
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 1)).toEqual([1]);
    sql.exec("INSERT INTO messages (id, body, received_at, status, updated_at) VALUES ('SMold', 'from v1', 1, 'queued', 1)");
    sql.exec("INSERT INTO settings (key, value) VALUES ('session_id', 'session-v1')");
  });

  // A new instance (as after a deploy) migrates on start.
  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec<{ id: number }>("SELECT id FROM schema_migrations ORDER BY id").toArray().map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(sql.exec("SELECT id, body, status, media_json FROM messages").toArray()).toEqual([
      { id: "SMold", body: "from v1", status: "queued", media_json: "[]" },
    ]);
    expect(sql.exec("SELECT name, workspace, session_id FROM conversations").toArray()).toEqual([{ name: "main", workspace: "main", session_id: "session-v1" }]);
    // A user from before approvals keeps acting without prompts until they choose otherwise (0009).
    expect(sql.exec("SELECT approval_mode FROM conversations").one().approval_mode).toBe("off");
    expect(sql.exec("SELECT count(*) AS n FROM outbox").one().n).toBe(0);
    // Applying again is a no-op.
    expect(migrate(state.storage, Date.now())).toEqual([]);
  });
});

it("refuses a migration list with a gap", async () => {
  await runInDurableObject(stubFor(phone), (_agent, state) => {
    const gap = [MIGRATIONS[0]!, { ...MIGRATIONS[1]!, id: 3 }];
    expect(() => migrate(state.storage, Date.now(), gap)).toThrow(/expected 2/);
  });
});

it("makes a new object's schema as replaying every migration does, in workerd's SQLite too", async () => {
  await runInDurableObject(stubFor("+15550000121"), (_agent, state) => {
    // The constructor made it from migrations/schema.sql; then the same object replays 0001-0015.
    const made = describeSchema(state.storage.sql);
    expect(made.tables.map((t) => t.table)).toContain("runs");
    expect(resetToSchema(state.storage, MIGRATIONS.length)).toEqual(MIGRATIONS.map((m) => m.id));
    expect(made).toEqual(describeSchema(state.storage.sql));
  });
});

it("moves every live event as it is when they become one row per flush (0041), and keeps a repeated source out", async () => {
  const stub = stubFor("+15550004127");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 40)).toHaveLength(40);
    sql.exec(`INSERT INTO live_events (seq, conversation_id, run_id, at, body, source) VALUES (7, 1, 'run-a', 5, '{"kind":"tool","text":"Thinking"}', 'vm-a:1:0'), (8, 1, 'run-a', 6, '{"kind":"end","text":"over"}', NULL)`);
    // Up to 0041 alone: 0045 drops the index this one holds to.
    expect(migrate(state.storage, Date.now(), MIGRATIONS.slice(0, 41))).toEqual([41]);
    expect(sql.exec("SELECT seq, conversation_id, run_id, at, body, source FROM live_events ORDER BY seq").toArray()).toEqual([
      { seq: 7, conversation_id: 1, run_id: "run-a", at: 5, body: '{"kind":"tool","text":"Thinking"}', source: "vm-a:1:0" },
      { seq: 8, conversation_id: 1, run_id: "run-a", at: 6, body: '{"kind":"end","text":"over"}', source: null },
    ]);
    // The source is still unique where it is set; rows without one are not held to it.
    expect(() => sql.exec("INSERT INTO live_events (seq, conversation_id, run_id, at, body, source) VALUES (9, 1, 'run-a', 7, '{}', 'vm-a:1:0')")).toThrow(/UNIQUE/);
    sql.exec("INSERT INTO live_events (seq, conversation_id, run_id, at, body, source) VALUES (9, 1, 'run-a', 7, '{}', NULL), (10, 1, 'run-a', 7, '{}', NULL)");
    expect(sql.exec("SELECT count(*) AS n FROM live_events").one().n).toBe(4);
  });
});

it("carries a hand-off's “go on here?” from its code's row into the question (0042): a user asked before is not asked again", async () => {
  const stub = stubFor("+15550004128");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 41)).toHaveLength(41);
    sql.exec(`INSERT INTO conversations (id, name, workspace, created_at, last_active_at) VALUES (2, 'api', 'api', 1, 1), (3, 'web', 'web', 1, 1)`);
    // Conversation 2: away, its user asked at 300. Conversation 3: away, never asked. Conversation 1: back, asked once.
    sql.exec(`INSERT INTO handoffs (digest, conversation_id, direction, epoch, created_at, expires_at, used_at, asked_at, back_at) VALUES
      ('d2', 2, 'out', 0, 100, 999, 200, 300, NULL), ('d3', 3, 'out', 0, 100, 999, 200, NULL, NULL), ('d1', 1, 'out', 0, 100, 999, 200, 250, 260)`);
  });
  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT kind, ref, conversation_id, asked_at, closed_at FROM questions ORDER BY ref").toArray()).toEqual([{ kind: "handoff_away", ref: "2", conversation_id: 2, asked_at: 300, closed_at: 300 }]);
    expect(sql.exec("SELECT name FROM pragma_table_info('handoffs') WHERE name = 'asked_at'").toArray()).toEqual([]);
    expect(sql.exec("SELECT digest, used_at, back_at FROM handoffs ORDER BY digest").toArray()).toEqual([
      { digest: "d1", used_at: 200, back_at: 260 },
      { digest: "d2", used_at: 200, back_at: null },
      { digest: "d3", used_at: 200, back_at: null },
    ]);
  });
});

it("keeps each message's place in the open queue in `in_queue` (0043): open messages in it, ended ones out, a hand writes no index entry", async () => {
  const stub = stubFor("+15550004129");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 42)).toHaveLength(42);
    sql.exec(`INSERT INTO messages (id, body, received_at, status, run_id, updated_at) VALUES
      ('SMq', 'queued', 1, 'queued', NULL, 1), ('SMh', 'handed', 2, 'handed', 'r1', 2), ('SMa', 'answered', 3, 'answered', 'r0', 3), ('SMf', 'failed', 4, 'failed', 'r0', 4)`);
  });
  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT id, status, in_queue FROM messages ORDER BY seq").toArray()).toEqual([
      { id: "SMq", status: "queued", in_queue: 1 },
      { id: "SMh", status: "handed", in_queue: 1 },
      { id: "SMa", status: "answered", in_queue: null },
      { id: "SMf", status: "failed", in_queue: null },
    ]);
    // The open queue's read uses the new index, not the whole table.
    const plan = sql.exec("EXPLAIN QUERY PLAN SELECT * FROM messages WHERE in_queue = 1 AND status IN ('queued', 'handed') ORDER BY seq").toArray().map((r) => String(r.detail)).join(" ");
    expect(plan).toContain("messages_in_queue");
    expect(sql.exec("SELECT name FROM sqlite_master WHERE name = 'messages_pending'").toArray()).toEqual([]);
    // A hand names `status` alone: the row is written, not the index entry.
    expect(sql.exec("UPDATE messages SET status = 'handed', run_id = 'r2' WHERE id = 'SMq'").rowsWritten).toBe(1);
  });
});

it("drops the outbox's sent_ref index (0044): rows kept, a send's outcome writes one row fewer, a quote reads newest first", async () => {
  const stub = stubFor("+15550004130");
  const markSent = (sql: SqlStorage, id: number) =>
    sql.exec(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_ref = 'SM${id}', send_started_at = NULL WHERE id = ${id} AND status IN ('pending', 'sending')`).rowsWritten;
  let writtenBefore = 0;
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 43)).toHaveLength(43);
    sql.exec(`INSERT INTO outbox (dedupe_key, body, status, next_attempt_at, created_at, updated_at, sent_ref, send_started_at) VALUES
      ('k1', 'old', 'read', 1, 1, 1, 'SM1', NULL), ('k2', 'in flight', 'pending', 2, 2, 2, NULL, 2), ('k3', 'in flight', 'pending', 3, 3, 3, NULL, 3)`);
    writtenBefore = markSent(sql, 2);
  });
  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT name FROM sqlite_master WHERE name = 'outbox_by_sent_ref'").toArray()).toEqual([]);
    expect(sql.exec("SELECT dedupe_key, status, sent_ref FROM outbox ORDER BY id").toArray()).toEqual([
      { dedupe_key: "k1", status: "read", sent_ref: "SM1" },
      { dedupe_key: "k2", status: "sent", sent_ref: "SM2" },
      { dedupe_key: "k3", status: "pending", sent_ref: null },
    ]);
    // The same outcome on the same kind of row: its sent_ref entry is no longer written.
    expect(markSent(sql, 3)).toBe(writtenBefore - 1);
    // The quote's lookup walks the table by id from the newest row and stops at its match.
    const plan = sql.exec("EXPLAIN QUERY PLAN SELECT dedupe_key FROM outbox WHERE sent_ref = 'SM3' AND channel = 'whatsapp' ORDER BY id DESC LIMIT 1").toArray().map((r) => String(r.detail)).join(" ");
    expect(plan).toContain("SCAN outbox");
    expect(plan).not.toContain("TEMP B-TREE");
    const quote = sql.exec("SELECT dedupe_key FROM outbox WHERE sent_ref = 'SM3' AND channel = 'whatsapp' ORDER BY id DESC LIMIT 1");
    expect(quote.toArray()).toEqual([{ dedupe_key: "k3" }]);
    expect(quote.rowsRead).toBe(1);
  });
});

it("keeps every live event and its source, and drops the source's index (0045): a run open across it, with no floor, still stores nothing twice", async () => {
  const stub = stubFor("+15550004131");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 44)).toHaveLength(44);
    sql.exec("INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, created_at, updated_at) VALUES ('r-open', 'vm-open', 'streaming', 1, 1, 1)");
    sql.exec(`INSERT INTO live_events (seq, conversation_id, run_id, at, body, source) VALUES
      (3, 1, 'r-open', 5, '{"kind":"start","text":"Started"}', 'r-open:start'), (4, 1, 'r-open', 6, '{"kind":"tool","text":"Still working"}', 'vm-open:2:0'), (5, 1, 'r-open', 7, '{"kind":"text","text":"hi"}', NULL)`);
  });
  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT seq, run_id, source FROM live_events ORDER BY seq").toArray()).toEqual([
      { seq: 3, run_id: "r-open", source: "r-open:start" },
      { seq: 4, run_id: "r-open", source: "vm-open:2:0" },
      { seq: 5, run_id: "r-open", source: null },
    ]);
    expect(sql.exec("SELECT name FROM sqlite_master WHERE name = 'live_events_source'").toArray()).toEqual([]);
    expect(sql.exec("SELECT live_seq_floor FROM runs WHERE id = 'r-open'").toArray()).toEqual([{ live_seq_floor: null }]);
    // Attached again after the deploy: its start and its progress line read again are not stored twice; a new line is.
    const live = createLiveEventsRepo(createSql(state.storage));
    expect(live.add({ conversationId: 1, runId: "r-open", at: 8, bodies: [{ kind: "start", text: "Started" }], source: "r-open:start" })).toEqual([]);
    expect(live.add({ conversationId: 1, runId: "r-open", at: 8, bodies: [{ kind: "tool", text: "Still working" }], source: "vm-open:2:0" })).toEqual([]);
    expect(live.add({ conversationId: 1, runId: "r-open", at: 9, bodies: [{ kind: "tool", text: "Still working" }], source: "vm-open:3:0" })).toHaveLength(1);
    expect(sql.exec("SELECT source, count(*) AS n FROM live_events WHERE source IS NOT NULL GROUP BY source ORDER BY source").toArray()).toEqual([
      { source: "r-open:start", n: 1 },
      { source: "vm-open:2:0", n: 1 },
      { source: "vm-open:3:0", n: 1 },
    ]);
  });
});

it("moves each run's tool calls into its own row as they are, in order, and drops run_tool_calls (0046): a run's end writes them in its one UPDATE", async () => {
  const stub = stubFor("+15550004132");
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(resetToSchema(state.storage, 45)).toHaveLength(45);
    sql.exec(`INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, created_at, updated_at) VALUES
      ('r-retried', 'r-retried-a', 'finished', 1, 1, 9), ('r-cut', 'r-cut-1', 'finished', 1, 1, 9), ('r-bad', 'r-bad-1', 'finished', 1, 1, 9),
      ('r-open', 'r-open-1', 'streaming', 1, 1, 9), ('r-twin', 'r-twin-1', 'streaming', 1, 1, 9)`);
    sql.exec(`INSERT INTO run_tool_calls (run_id, vm_run_id, calls, more, created_at) VALUES
      ('r-retried', 'r-retried-a', '[{"tool":"Bash","input":"npm test"}]', 3, 8), ('r-retried', 'r-retried-b', '[]', 0, 5),
      ('r-bad', 'r-bad-1', '[{"tool":"Ba', 0, 7), ('r-gone', 'r-gone-1', '[]', 0, 7)`);
  });
  await evictDurableObject(stub);
  await runInDurableObject(stub, (_agent, state) => {
    const sql = state.storage.sql;
    expect(sql.exec("SELECT name FROM sqlite_master WHERE name LIKE 'run_tool_calls%'").toArray()).toEqual([]);
    const kept = Object.fromEntries(sql.exec<{ id: string; tool_calls: string | null }>("SELECT id, tool_calls FROM runs").toArray().map((r) => [r.id, r.tool_calls]));
    expect(kept).toEqual({
      "r-retried": JSON.stringify([
        // In the order they were written (created_at), not their keys'.
        { vmRunId: "r-retried-b", calls: [], more: 0 },
        { vmRunId: "r-retried-a", calls: [{ tool: "Bash", input: "npm test" }], more: 3 },
      ]),
      "r-cut": null,
      // Moved as it was (text, not JSON): the page shows it as not recorded.
      "r-bad": JSON.stringify([{ vmRunId: "r-bad-1", calls: '[{"tool":"Ba', more: 0 }]),
      "r-open": null,
      "r-twin": null,
    });
    expect(toolCallsOfRun(kept["r-retried"]!)).toEqual({ calls: [{ tool: "Bash", input: "npm test" }], more: 3 });
    expect(toolCallsOfRun(kept["r-bad"]!)).toBeNull();
    // The open run's end: its calls in the row its step writes, no row of their own.
    const counted = createSql(state.storage);
    const runs = createRunsRepo(counted);
    const end = { phase: "finished", outcome: "done", lastSeq: 2 } as const;
    const twin = runs.get("r-twin")!;
    runs.write(twin, { ...twin, ...end }, 10);
    const withoutCalls = counted.rowsWritten();
    const open = runs.get("r-open")!;
    runs.write(open, { ...open, ...end }, 10, { vmRunId: "r-open-1", calls: [], more: 0 });
    // As many rows as the same step of a run without calls.
    expect(counted.rowsWritten() - withoutCalls).toBe(withoutCalls);
    expect(sql.exec<{ tool_calls: string }>("SELECT tool_calls FROM runs WHERE id = 'r-open'").one().tool_calls).toBe(JSON.stringify([{ vmRunId: "r-open-1", calls: [], more: 0 }]));
  });
});
