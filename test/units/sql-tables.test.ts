// Remembered reads (memo) are kept per table: a write to a table a read did not read leaves it
// remembered; a write to one it read, a statement whose tables cannot be told, or a rollback
// refreshes it. The webhook path relies on it: storing a message must not make every unit's
// due time be read again.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { memo, statementOf } from "../../src/shared/sql";
import { addRows, reportedRows, type RowsByTable, rowsWrittenSince, sumRows } from "../../src/shared/rows-by-table";
import { useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

describe("statementOf", () => {
  it.each([
    { text: "SELECT * FROM messages WHERE status = 'queued'", writes: null, reads: ["messages"] },
    { text: "SELECT count(*) AS n FROM (SELECT received_at FROM messages ORDER BY seq DESC LIMIT ?) WHERE received_at > ?", writes: null, reads: ["messages"] },
    { text: "SELECT * FROM outbox WHERE held = 0 UNION ALL SELECT * FROM outbox WHERE held = 1", writes: null, reads: ["outbox"] },
    { text: "SELECT r.id FROM runs r JOIN messages m ON m.run_id = r.id", writes: null, reads: ["runs", "messages"] },
    { text: "INSERT INTO messages (id) VALUES (?) ON CONFLICT (id) DO NOTHING RETURNING seq", writes: "messages", reads: [] },
    { text: "\n  UPDATE outbox SET held = 0 WHERE held = 1 RETURNING id", writes: "outbox", reads: [] },
    { text: "UPDATE OR IGNORE runs SET phase = ?", writes: "runs", reads: [] },
    { text: "DELETE FROM spend_days WHERE day < ?", writes: "spend_days", reads: ["spend_days"] },
    { text: "INSERT OR REPLACE INTO settings (key, value) SELECT key, value FROM approvals", writes: "settings", reads: ["approvals"] },
    { text: "REPLACE INTO settings (key, value) VALUES (?, ?)", writes: "settings", reads: [] },
  ])("$text", ({ text, writes, reads }) => {
    const statement = statementOf(text);
    expect(statement.writes).toBe(writes);
    expect(statement.reads === "unknown" ? "unknown" : [...statement.reads]).toEqual(reads);
  });

  it.each([
    { name: "a comma join", text: "SELECT * FROM messages, json_each(messages.media_json)" },
    { name: "a comma join with an alias", text: "SELECT * FROM messages AS m, runs" },
    { name: "several statements", text: "SELECT 1 FROM runs; DELETE FROM outbox" },
  ])("$name reads tables that cannot be told", ({ text }) => {
    expect(statementOf(text).reads).toBe("unknown");
  });

  it.each([
    { name: "a CTE before the write", text: "WITH old AS (SELECT id FROM outbox) DELETE FROM outbox WHERE id IN old" },
    { name: "several statements", text: "DELETE FROM outbox; DELETE FROM runs;" },
  ])("$name writes tables that cannot be told", ({ text }) => {
    expect(statementOf(text).writes).toBe("unknown");
  });
});

describe("memo per table", () => {
  const counted = (read: () => number) => {
    const calls = { reads: 0 };
    const remembered = memo(t.sql, () => (calls.reads++, read()));
    return { remembered, calls };
  };
  const outboxCount = () => t.sql<{ n: number }>`SELECT count(*) AS n FROM outbox`[0]!.n;

  it("a write to another table keeps the read; one to its own table refreshes it", () => {
    const { remembered, calls } = counted(outboxCount);
    expect(remembered()).toBe(0);
    t.repos.messages.insert({ id: "SM1", body: "hi", media: [], conversationId: 1, now: 1 });
    t.sql`INSERT INTO settings (key, value) VALUES ('a', '1')`;
    expect([remembered(), calls.reads]).toEqual([0, 1]);
    t.repos.outbox.add({ dedupeKey: "k1", body: "hello", now: 1 });
    expect([remembered(), calls.reads]).toEqual([1, 2]);
  });

  it("a rolled-back transaction refreshes every read, whatever it wrote", () => {
    const { remembered, calls } = counted(outboxCount);
    remembered();
    expect(() =>
      t.sql.transaction(() => {
        t.sql`INSERT INTO settings (key, value) VALUES ('b', '2')`;
        throw new Error("undo");
      }),
    ).toThrow("undo");
    remembered();
    expect(calls.reads).toBe(2);
  });

  it("a write whose table cannot be told refreshes every read", () => {
    const { remembered, calls } = counted(outboxCount);
    remembered();
    t.sql`WITH none AS (SELECT 1) INSERT INTO settings (key, value) VALUES ('c', '3')`;
    remembered();
    expect(calls.reads).toBe(2);
  });

  it("a read whose tables cannot be told is refreshed by any write", () => {
    const { remembered, calls } = counted(() => t.sql<{ n: number }>`SELECT count(*) AS n FROM runs, outbox`[0]!.n);
    remembered();
    t.sql`INSERT INTO settings (key, value) VALUES ('d', '4')`;
    remembered();
    expect(calls.reads).toBe(2);
  });

  it("a read built on another remembered read depends on its tables, also when that one answers from memory", () => {
    const inner = counted(outboxCount);
    inner.remembered();
    // The inner read is remembered already: the outer one runs no SQL of its own on outbox.
    const outer = counted(() => inner.remembered() + t.sql<{ n: number }>`SELECT count(*) AS n FROM runs`[0]!.n);
    expect(outer.remembered()).toBe(0);
    t.repos.outbox.add({ dedupeKey: "k2", body: "hello", now: 1 });
    expect([outer.remembered(), outer.calls.reads, inner.calls.reads]).toEqual([1, 2, 2]);
  });

  it("a read that consults a setting (cached, no SQL) is refreshed when that setting is written", () => {
    const { remembered, calls } = counted(() => Number(t.repos.settings.get("daily_budget_usd") ?? 0));
    expect(remembered()).toBe(0);
    t.repos.messages.insert({ id: "SM2", body: "hi", media: [], conversationId: 1, now: 1 });
    expect(calls.reads).toBe(1);
    t.repos.settings.set("daily_budget_usd", 5);
    expect([remembered(), calls.reads]).toEqual([5, 2]);
  });

  it("storing a message leaves the due-time reads of the units that do not read messages remembered", () => {
    const { outbox, runs, schedules, approvals, conversations, messages } = t.repos;
    const dueReads = () => [outbox.head(), runs.open(), schedules.nextDueAt(), approvals.nextExpiry(), conversations.cloneDeadline()];
    const before = dueReads();
    messages.insert({ id: "SM3", body: "hi", media: [], conversationId: 1, now: 1 });
    const exec = vi.spyOn(t.db.storage.sql, "exec");
    expect(dueReads()).toEqual(before);
    expect(exec).not.toHaveBeenCalled();
    expect(messages.countQueued()).toBe(1);
    expect(exec).toHaveBeenCalledOnce();
  });
});

it("no migration creates a trigger or a foreign key: a statement writes only the table it names", () => {
  const dir = join(import.meta.dirname, "../../migrations");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
    const text = readFileSync(join(dir, file), "utf8").replace(/--[^\n]*/g, "");
    expect(text, file).not.toMatch(/\bCREATE\s+TRIGGER\b|\bREFERENCES\b|\bFOREIGN\s+KEY\b/i);
  }
});

describe("the webhook path's remembered reads see every write that changes them", () => {
  it("canRewrite: a message not yet tried can be rewritten; one handed to Twilio (or tried) cannot", () => {
    const { outbox } = t.repos;
    expect(outbox.canRewrite("ack:r1")).toBe(true);
    outbox.upsertPending({ dedupeKey: "ack:r1", body: "1 waiting", now: 1 });
    expect(outbox.canRewrite("ack:r1")).toBe(true);
    outbox.markSent(outbox.head()!.id, "SMx", 2);
    expect(outbox.canRewrite("ack:r1")).toBe(false);
    outbox.add({ dedupeKey: "ack:r2", body: "1 waiting", now: 3 });
    outbox.markRetry(outbox.head()!.id, 10, "30001", 3);
    expect([outbox.canRewrite("ack:r1"), outbox.canRewrite("ack:r2")]).toEqual([false, false]);
  });

  it("anyHeld: follows hold and releaseHeld", () => {
    const { outbox } = t.repos;
    outbox.add({ dedupeKey: "k", body: "reply", now: 1 });
    expect(outbox.anyHeld()).toBe(false);
    outbox.hold(outbox.head()!.id, 2);
    expect(outbox.anyHeld()).toBe(true);
    outbox.releaseHeld(3);
    expect(outbox.anyHeld()).toBe(false);
  });

  it("withUnsettledMedia: a message stored with attachments, its attachments settled, and a move are seen; one stored without is not read again", () => {
    const { messages } = t.repos;
    const photo = { url: "https://api.twilio.com/m/1", contentType: "image/jpeg" };
    expect(messages.withUnsettledMedia()).toEqual([]);
    messages.insert({ id: "SMa", body: "", media: [photo], conversationId: 1, now: 1 });
    expect(messages.withUnsettledMedia().map((m) => m.id)).toEqual(["SMa"]);
    const exec = vi.spyOn(t.db.storage.sql, "exec");
    messages.insert({ id: "SMb", body: "text", media: [], conversationId: 1, now: 2 });
    exec.mockClear();
    expect(messages.withUnsettledMedia().map((m) => m.id)).toEqual(["SMa"]);
    expect(exec).not.toHaveBeenCalled();
    messages.setMedia("SMa", [{ ...photo, failed: "too large" }], 3);
    expect(messages.withUnsettledMedia()).toEqual([]);
    messages.insert({ id: "SMc", body: "", media: [photo], conversationId: 1, now: 4 });
    messages.move([{ id: "SMc", to: "handed", runId: "r1", how: "batch", cuts: 0 }], 5);
    expect(messages.withUnsettledMedia()).toEqual([]);
    messages.move([{ id: "SMc", to: "queued", runId: null, how: null, cuts: 1 }], 6);
    expect(messages.withUnsettledMedia().map((m) => m.id)).toEqual(["SMc"]);
  });

  it("a conversation read by id follows a rename; spend sums follow a new cost", () => {
    const { conversations, spend } = t.repos;
    const made = conversations.create({ name: "api", workspace: "c-1", repoUrl: null, branch: null, status: "ready", now: 1 });
    expect(conversations.get(made.id)?.name).toBe("api");
    conversations.rename(made.id, "web");
    expect(conversations.get(made.id)?.name).toBe("web");
    expect(spend.between("2026-11-23", "2026-11-23").size).toBe(0);
    spend.add("2026-11-23", 1, 0.25);
    expect(spend.between("2026-11-23", "2026-11-23").get(1)?.costUsd).toBe(0.25);
    spend.add("2026-11-23", 1, 0.5);
    expect(spend.between("2026-11-23", "2026-11-23").get(1)?.costUsd).toBe(0.75);
  });
});

describe("rows written by table", () => {
  it.each<{ before: RowsByTable; after: RowsByTable; since: RowsByTable }>([
    { before: {}, after: {}, since: {} },
    { before: {}, after: { messages: 3 }, since: { messages: 3 } },
    { before: { messages: 3, runs: 2 }, after: { messages: 3, runs: 4, outbox: 3 }, since: { runs: 2, outbox: 3 } },
  ])("rowsWrittenSince($before, $after) is $since", ({ before, after, since }) => {
    expect(rowsWrittenSince(before, after)).toEqual(since);
  });

  it.each<{ parts: RowsByTable[]; sum: RowsByTable }>([
    { parts: [], sum: {} },
    { parts: [{ runs: 2 }, { runs: 1, outbox: 3 }, {}], sum: { runs: 3, outbox: 3 } },
  ])("sumRows($parts) is $sum", ({ parts, sum }) => {
    expect(sumRows(parts)).toEqual(sum);
  });

  it("counts each statement's rows against the table it writes, and a statement it cannot tell as unknown", () => {
    const counts = new Map<string, number>();
    addRows(counts, "messages", 3);
    addRows(counts, "messages", 2);
    addRows(counts, "outbox", 0);
    addRows(counts, "unknown", 1);
    expect(Object.fromEntries(counts)).toEqual({ messages: 5, unknown: 1 });
  });

  it("through createSql: a snapshot per table that later writes do not change", () => {
    t.sql`INSERT INTO settings (key, value) VALUES ('a', '1')`;
    const before = t.sql.rowsWrittenByTable();
    t.sql`INSERT INTO settings (key, value) VALUES ('b', '2')`;
    t.sql`DELETE FROM settings WHERE key = 'a'`;
    expect(before).toEqual({ settings: 1 });
    expect(rowsWrittenSince(before, t.sql.rowsWrittenByTable())).toEqual({ settings: 2 });
  });

  it("a step whose line reports its rows (a webhook's store) is left out of a span around it (a pump's line): no row counted twice", () => {
    const rows = reportedRows(t.sql);
    // A pump's look at its start.
    const [pumpRows, pumpTables] = [rows.unreported.rowsWritten(), rows.unreported.rowsWrittenByTable()];
    t.sql`INSERT INTO settings (key, value) VALUES ('pump-1', '1')`;
    // A message stored while the pump awaits its stream.
    const stored = rows.report(() => {
      t.sql`INSERT INTO settings (key, value) VALUES ('webhook', '1')`;
      t.sql`INSERT INTO spend_days (day, conversation_id, cost_usd, turns) VALUES ('2026-11-29', 1, 0.01, 1)`;
      return "stored";
    });
    t.sql`INSERT INTO settings (key, value) VALUES ('pump-2', '1')`;
    expect(stored).toEqual({ value: "stored", rows: 2, rowsByTable: { settings: 1, spend_days: 1 } });
    // The pump's look at its end: its own two rows, not the webhook's.
    expect(rows.unreported.rowsWritten() - pumpRows).toBe(2);
    expect(rowsWrittenSince(pumpTables, rows.unreported.rowsWrittenByTable())).toEqual({ settings: 2 });
    // All rows are still counted once between the two lines.
    expect(t.sql.rowsWritten()).toBe(4);
  });
});
