// What the units rely on in the repositories, over a real SQLite: remembered reads (memo) see
// every write and every rollback, the settings cache reloads after a rollback, and the outbox's
// callbacks never move a row back nor its acknowledgement change once sent, and /ship's question
// is closed by a message without a statement when none is open.
import { describe, expect, it, vi } from "vitest";
import { memo } from "../../src/shared/sql";
import type { OutboxStatus } from "../../src/outbox/outbox-repo";
import { stepRun } from "../../src/runs/run-lifecycle";
import { toolCallsOfRun } from "../../src/runs/run-tool-calls";
import { createMessagesRepo } from "../../src/messages/messages-repo";
import { HOUR, T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();

describe("memo and the sql helper's version", () => {
  it("a remembered read is refreshed by a write and by a rolled-back transaction, not by a read", () => {
    let reads = 0;
    const count = memo(t.sql, () => (reads++, t.sql<{ n: number }>`SELECT count(*) AS n FROM settings`[0]!.n));
    expect([count(), count()]).toEqual([0, 0]);
    expect(reads).toBe(1);
    t.sql`SELECT * FROM outbox`;
    count();
    expect(reads).toBe(1);
    t.sql`INSERT INTO settings (key, value) VALUES ('a', '1')`;
    expect(count()).toBe(1);
    expect(() =>
      t.sql.transaction(() => {
        t.sql`INSERT INTO settings (key, value) VALUES ('b', '2')`;
        expect(count()).toBe(2);
        throw new Error("undo");
      }),
    ).toThrow("undo");
    expect(count()).toBe(1);
    expect(reads).toBe(4);
  });

  it("a write that changes no row leaves remembered reads alone", () => {
    const version = t.sql.version();
    t.sql`UPDATE settings SET value = 'x' WHERE key = 'none'`;
    t.sql`INSERT INTO settings (key, value) VALUES ('a', '1') ON CONFLICT (key) DO NOTHING`;
    t.sql`INSERT INTO settings (key, value) VALUES ('a', '2') ON CONFLICT (key) DO NOTHING`;
    expect(t.sql.version()).toBe(version + 1);
    expect(t.sql.rowsWritten()).toBe(1);
  });
});

describe("the reads on a message's way to the VM", () => {
  // Each is asked several times in one turn (the runs' due time, the batch's start, a stream's
  // step): remembered, every write to its table must still show at once.
  /** The statements two reads in a row ran. */
  const asked = (read: () => unknown) => {
    const statements = vi.spyOn(t.db.storage.sql, "exec");
    const before = statements.mock.calls.length;
    read();
    read();
    const ran = statements.mock.calls.length - before;
    statements.mockRestore();
    return ran;
  };
  it("are asked once until their table is written, then see the write", () => {
    const { messages, runs, approvals } = t.repos;
    messages.insert({ id: "SM1", body: "hi", media: [], conversationId: 1, now: T0 });
    const run = stepRun(null, [], { type: "dispatch", runId: "run-1", ids: [], context: "chat", conversationId: 1, sessionId: null }, T0).run!;
    runs.write(null, run, T0);
    expect([asked(() => messages.queued(50)), asked(() => runs.get("run-1")), asked(() => runs.openIn(1)), asked(() => approvals.ofRun("run-1")), asked(() => approvals.modeOf(1))]).toEqual([1, 1, 1, 1, 1]);
    // Remembered: no statement at all the next time.
    expect([asked(() => messages.queued(50)), asked(() => runs.get("run-1")), asked(() => runs.openIn(1)), asked(() => approvals.ofRun("run-1")), asked(() => approvals.modeOf(1))]).toEqual([0, 0, 0, 0, 0]);
    expect(messages.queued(50).map((m) => m.id)).toEqual(["SM1"]);
    t.sql`UPDATE messages SET status = 'handed', run_id = 'run-1' WHERE id = 'SM1'`;
    expect(messages.queued(50)).toEqual([]);
    const finished = { ...run, phase: "finished" as const, outcome: "answered" as const };
    runs.write(run, finished, T0 + 1);
    expect(runs.get("run-1")).toMatchObject({ phase: "finished", outcome: "answered" });
    expect(runs.openIn(1)).toBeNull();
    approvals.insert({ runId: "run-1", vmRunId: "run-1-1", requestId: "q1", conversationId: 1, tool: "Edit", description: "edit a.ts", rule: null, expiresAt: T0 + HOUR, now: T0 });
    expect(approvals.ofRun("run-1").map((a) => a.status)).toEqual(["pending"]);
    approvals.setMode(1, "edits");
    expect(approvals.modeOf(1)).toBe("edits");
    // A rolled-back write is forgotten by them too.
    expect(() =>
      t.sql.transaction(() => {
        approvals.setMode(1, "on");
        expect(approvals.modeOf(1)).toBe("on");
        throw new Error("undo");
      }),
    ).toThrow("undo");
    expect(approvals.modeOf(1)).toBe("edits");
  });

  it("the open queue is one statement for its count, head, pending list, a run's messages and the attachments to fetch, and sees every write", () => {
    const { messages } = t.repos;
    messages.insert({ id: "SM1", body: "hi", media: [], conversationId: 1, now: T0 });
    messages.insert({ id: "SM2", body: "a photo", media: [{ url: "https://example.com/p.jpg", contentType: "image/jpeg" }], conversationId: 2, now: T0 + 1 });
    const everyRead = () => [messages.countQueued(), messages.queued(1), messages.pending(), messages.ofRun("run-1", "handed"), messages.queuedByConversation(), messages.withUnsettledMedia()];
    expect(asked(everyRead)).toBe(1);
    expect(asked(everyRead)).toBe(0);
    expect([messages.countQueued(), messages.queued(1).map((m) => m.id), messages.withUnsettledMedia().map((m) => m.id)]).toEqual([2, ["SM1"], ["SM2"]]);
    expect(messages.queuedByConversation()).toEqual(new Map([[1, 1], [2, 1]]));
    messages.move([{ id: "SM1", to: "handed", runId: "run-1", how: "batch", cuts: 0 }], T0 + 2);
    expect([messages.countQueued(), messages.ofRun("run-1", "handed").map((m) => m.id), messages.pending().map((m) => [m.id, m.status, m.runId, m.how])]).toEqual([
      1,
      ["SM1"],
      [["SM1", "handed", "run-1", "batch"], ["SM2", "queued", null, null]],
    ]);
    messages.setMedia("SM2", [{ url: "https://example.com/p.jpg", contentType: "image/jpeg", failed: "too large" }], T0 + 3);
    expect(messages.withUnsettledMedia()).toEqual([]);
    expect(() =>
      t.sql.transaction(() => {
        messages.move([{ id: "SM2", to: "dropped", runId: null, how: null, cuts: 0 }], T0 + 4);
        expect(messages.countQueued()).toBe(0);
        throw new Error("undo");
      }),
    ).toThrow("undo");
    expect(messages.queued(50).map((m) => m.id)).toEqual(["SM2"]);
  });

  it("a claim moves the remembered open queue with its rows: the run's messages after it run no statement", () => {
    const { messages } = t.repos;
    for (const id of ["SM1", "SM2", "SM3"]) messages.insert({ id, body: id, media: [], conversationId: 1, now: T0 });
    messages.pending();
    messages.move(
      [
        { id: "SM1", to: "handed", runId: "run-1", how: "batch", cuts: 0 },
        { id: "SM2", to: "answered", runId: "run-0", how: null, cuts: 0 },
        // Already at its end: the row's UPDATE finds nothing, and so does the remembered queue.
        { id: "SM2", to: "handed", runId: "run-1", how: "batch", cuts: 0 },
        { id: "SM9", to: "handed", runId: "run-1", how: "batch", cuts: 0 },
      ],
      T0 + 1,
    );
    expect(asked(() => [messages.ofRun("run-1", "handed"), messages.pending(), messages.countQueued()])).toBe(0);
    const [pending, queued, ofRun] = [messages.pending(), messages.queued(50), messages.ofRun("run-1", "handed")];
    // What a fresh read of the rows says.
    const fresh = createMessagesRepo(t.sql);
    expect([pending, queued, ofRun]).toEqual([fresh.pending(), fresh.queued(50), fresh.ofRun("run-1", "handed")]);
    expect(pending.map((m) => [m.id, m.status, m.runId, m.how])).toEqual([
      ["SM1", "handed", "run-1", "batch"],
      ["SM3", "queued", null, null],
    ]);
    // A move on a queue not remembered, then a rollback after a remembered one: both asked again.
    t.sql`UPDATE messages SET body = 'edited' WHERE id = 'SM3'`;
    messages.move([{ id: "SM3", to: "handed", runId: "run-1", how: "inject", cuts: 0 }], T0 + 2);
    expect(asked(() => messages.ofRun("run-1", "handed"))).toBe(1);
    expect(() =>
      t.sql.transaction(() => {
        messages.move([{ id: "SM3", to: "dropped", runId: "run-1", how: null, cuts: 0 }], T0 + 3);
        throw new Error("undo");
      }),
    ).toThrow("undo");
    expect(messages.ofRun("run-1", "handed").map((m) => [m.id, m.body])).toEqual([
      ["SM1", "SM1"],
      ["SM3", "edited"],
    ]);
  });

  it("whether anything is held is asked once, kept through a send's status moves, and forgotten at every write that can change it", () => {
    const { outbox } = t.repos;
    expect(asked(() => outbox.anyHeld())).toBe(1);
    outbox.add({ dedupeKey: "a", body: "ping", now: T0 });
    outbox.markSent(1, "SM1", T0);
    outbox.applyStatus("SM1", "delivered", null, T0);
    // An acknowledgement's drop that found nothing to drop, as after every run.
    expect(outbox.dropUnsent({ from: "ack:", to: "ack;" })).toBe(0);
    expect(asked(() => outbox.anyHeld())).toBe(0);
    expect(outbox.anyHeld()).toBe(false);
    outbox.hold(1, T0);
    expect(outbox.anyHeld()).toBe(true);
    outbox.releaseHeld(T0);
    expect(outbox.anyHeld()).toBe(false);
    outbox.add({ dedupeKey: "b", body: "after the window", held: true, now: T0 });
    expect(outbox.anyHeld()).toBe(true);
    expect(outbox.dropUnsent({ from: "b", to: "c" })).toBe(1);
    expect(outbox.anyHeld()).toBe(false);
    expect(() =>
      t.sql.transaction(() => {
        outbox.add({ dedupeKey: "c", body: "held, then undone", held: true, now: T0 });
        expect(outbox.anyHeld()).toBe(true);
        throw new Error("undo");
      }),
    ).toThrow("undo");
    expect(outbox.anyHeld()).toBe(false);
  });

  it("the run's notes (meanwhile lines, undone changes) are asked once, see every write, and the time still picks the lines", () => {
    const { meanwhile, runChanges } = t.repos;
    expect([asked(() => meanwhile.upTo(1, T0)), asked(() => runChanges.untold(1))]).toEqual([1, 1]);
    meanwhile.add(1, "a run of an event opened PR #4", T0);
    meanwhile.add(1, "a later one", T0 + 10);
    expect(meanwhile.upTo(1, T0 + 5)).toEqual(["a run of an event opened PR #4"]);
    expect(asked(() => meanwhile.upTo(1, T0 + 10))).toBe(0);
    expect(meanwhile.upTo(1, T0 + 10)).toEqual(["a run of an event opened PR #4", "a later one"]);
    meanwhile.told(1, T0 + 5);
    expect(meanwhile.upTo(1, T0 + 10)).toEqual(["a later one"]);
    runChanges.add({ vmRunId: "v1", conversationId: 1, label: "fix the test", files: [], insertions: 1, deletions: 0, truncated: false, now: T0 });
    expect(runChanges.untold(1)).toEqual([]);
    runChanges.setUndone("v1", true);
    expect(runChanges.untold(1).map((c) => c.vmRunId)).toEqual(["v1"]);
    runChanges.told(1);
    expect(runChanges.untold(1)).toEqual([]);
  });
});

describe("settings", () => {
  it("writes only changes, and forgets a value a rolled-back transaction had set", () => {
    const { settings } = t.repos;
    settings.set("time_zone", "Asia/Kolkata");
    const written = t.sql.rowsWritten();
    settings.set("time_zone", "Asia/Kolkata");
    expect(t.sql.rowsWritten()).toBe(written);
    expect(() =>
      t.sql.transaction(() => {
        settings.set("time_zone", "Europe/Paris");
        settings.set("voice_echo", "off");
        throw new Error("undo");
      }),
    ).toThrow("undo");
    expect([settings.get("time_zone"), settings.get("voice_echo")]).toEqual(["Asia/Kolkata", null]);
    settings.set("time_zone", null);
    expect(t.rows("SELECT * FROM settings")).toEqual([]);
  });
});

describe("outbox", () => {
  const sentRow = () => {
    t.repos.outbox.add({ dedupeKey: "a", body: "ping", now: T0 });
    t.repos.outbox.markSent(1, "SM1", T0);
  };
  it.each<[OutboxStatus[], OutboxStatus]>([
    [["delivered"], "delivered"],
    [["read", "delivered"], "read"],
    [["delivered", "sent"], "delivered"],
    [["read", "failed"], "failed"],
    [["undelivered", "delivered", "read"], "undelivered"],
  ])("callbacks %j leave the row %s", (callbacks, final) => {
    sentRow();
    for (const status of callbacks) t.repos.outbox.applyStatus("SM1", status, null, T0);
    expect(t.rows<{ status: string }>("SELECT status FROM outbox")).toEqual([{ status: final }]);
  });

  it("a callback for an unknown message changes nothing", () => {
    sentRow();
    expect(t.repos.outbox.applyStatus("SMother", "failed", "30001", T0)).toBeNull();
    expect(t.rows<{ status: string }>("SELECT status FROM outbox")).toEqual([{ status: "sent" }]);
  });

  it("a pending acknowledgement is rewritten in place; once sent it stays as it was", () => {
    const { outbox } = t.repos;
    outbox.upsertPending({ dedupeKey: "ack:run-1", body: "Got it, I'll process this next.", now: T0 });
    outbox.upsertPending({ dedupeKey: "ack:run-1", body: "Got it, 2 messages wait.", now: T0 });
    expect(t.rows("SELECT id, body FROM outbox")).toEqual([{ id: 1, body: "Got it, 2 messages wait." }]);
    outbox.markSent(1, "SM1", T0);
    outbox.upsertPending({ dedupeKey: "ack:run-1", body: "Got it, 3 messages wait.", now: T0 });
    expect(t.rows("SELECT body, status FROM outbox")).toEqual([{ body: "Got it, 2 messages wait.", status: "sent" }]);
  });

  it("adds a message once per key, and the head is the oldest not held", () => {
    const { outbox } = t.repos;
    expect(outbox.add({ dedupeKey: "a", body: "one", now: T0 })).toBe(true);
    expect(outbox.add({ dedupeKey: "a", body: "again", now: T0 })).toBe(false);
    outbox.add({ dedupeKey: "b", body: "two", now: T0 });
    outbox.hold(1, T0);
    expect(outbox.head()?.body).toBe("two");
    expect(outbox.releaseHeld(T0 + 1)).toBe(1);
    expect(outbox.head()).toMatchObject({ body: "one", nextAttemptAt: T0 + 1 });
  });
});

describe("run tool calls", () => {
  const db = t;
  const calls = { calls: [{ tool: "Bash", input: "npm test" }], more: 0 };
  const column = (runId: string) => db.rows<{ tool_calls: string | null }>("SELECT tool_calls FROM runs WHERE id = ?", runId)[0]!.tool_calls;
  /** Rows written by `write`, as the object counts them. */
  const written = (write: () => void) => {
    const before = db.sql.rowsWritten();
    write();
    return db.sql.rowsWritten() - before;
  };
  const opened = (runId: string) => {
    const run = stepRun(null, [], { type: "dispatch", runId, ids: [], context: "chat", conversationId: 1, sessionId: null }, T0).run!;
    db.repos.runs.write(null, run, T0);
    return run;
  };

  it("adds each VM run's calls to its run's row once, in the step's own write, an entry even with none", () => {
    const run = opened("run-a");
    // The same row as before (an attempt in memory only): written anyway, for its calls, one row.
    expect(written(() => db.repos.runs.write(run, run, T0 + 1, { vmRunId: "vm-a1", ...calls }))).toBe(1);
    // Its terminal event replayed: the step's row, no second entry.
    expect(written(() => db.repos.runs.write(run, { ...run, lastSeq: 3 }, T0 + 2, { vmRunId: "vm-a1", calls: [{ tool: "Edit", input: "again" }], more: 9 }))).toBe(1);
    // The step that ends the run (its outcome set) writes as many rows as the same step of a run without calls.
    const without = opened("run-z");
    const ending = { lastSeq: 4, outcome: "done", phase: "finished" } as const;
    expect(written(() => db.repos.runs.write(run, { ...run, ...ending, vmRunId: "vm-a2" }, T0 + 3, { vmRunId: "vm-a2", calls: [], more: 2 }))).toBe(written(() => db.repos.runs.write(without, { ...without, ...ending }, T0 + 3)));
    expect(JSON.parse(column("run-a")!)).toEqual([
      { vmRunId: "vm-a1", ...calls },
      { vmRunId: "vm-a2", calls: [], more: 2 },
    ]);
    // A retried run shows its attempts' calls in order.
    expect(toolCallsOfRun(column("run-a"))).toEqual({ calls: calls.calls, more: 2 });
  });

  it("reads a run with no VM run ended, or a column it cannot read (cut short, another shape), as calls not recorded", () => {
    opened("run-b");
    expect(toolCallsOfRun(column("run-b"))).toBeNull();
    for (const text of ['[{"vmRunId":"vm-b1","calls":[{"tool":"Ba', '{"not":"a list"}', '[{"vmRunId":"vm-b1","calls":"[]","more":0}]', "[]"]) expect(toolCallsOfRun(text)).toBeNull();
  });

  it("leaves a column that no longer reads as it is, and still writes the run's step", () => {
    const run = opened("run-c");
    for (const text of ['[{"tool":"Ba', '{"not":"a list"}']) {
      db.rows("UPDATE runs SET tool_calls = ? WHERE id = 'run-c'", text);
      db.repos.runs.write(run, { ...run, lastSeq: run.lastSeq + 1 }, T0 + 1, { vmRunId: "vm-c1", ...calls });
      expect(column("run-c")).toBe(text);
      expect(db.repos.runs.get("run-c")?.lastSeq).toBe(run.lastSeq + 1);
      expect(toolCallsOfRun(column("run-c"))).toBeNull();
    }
  });
});

describe("live events", () => {
  const db = t;
  const tool = (text: string) => ({ kind: "tool" as const, text });

  it("stores a flush as one row, its events numbered one each; a page catching up from inside a row gets only what follows", () => {
    const live = db.repos.liveEvents;
    expect(live.add({ conversationId: 1, runId: "run-a", at: T0, bodies: [{ kind: "start", text: "a run began" }], source: "run-a:start" }).map((e) => e.seq)).toEqual([1]);
    const flush = live.add({ conversationId: 1, runId: "run-a", at: T0 + 1, bodies: [tool("one"), { kind: "text", text: "two" }, { kind: "end", text: "three" }], source: null });
    expect(flush.map((e) => [e.seq, e.kind, e.runId, e.at])).toEqual([
      [2, "tool", "run-a", T0 + 1],
      [3, "text", "run-a", T0 + 1],
      [4, "end", "run-a", T0 + 1],
    ]);
    expect(db.rows<{ n: number }>("SELECT count(*) AS n FROM live_events")[0]!.n).toBe(2);
    expect(live.lastSeq()).toBe(4);
    expect(live.after(null, 2, 500).map((e) => e.seq)).toEqual([3, 4]);
    expect(live.after(1, 0, 2).map((e) => e.seq)).toEqual([1, 2]);
    expect(live.after(2, 0, 500)).toEqual([]);
    expect(live.ofRun("run-a", 500).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // A flush of a source stored before adds nothing; one with nothing to show writes no row.
    expect(live.add({ conversationId: 1, runId: "run-a", at: T0 + 2, bodies: [{ kind: "start", text: "again" }], source: "run-a:start" })).toEqual([]);
    expect(live.add({ conversationId: 1, runId: "run-a", at: T0 + 2, bodies: [], source: null })).toEqual([]);
    expect(live.lastSeq()).toBe(4);
    // A row written one event at a time (before 0041) reads as that event; numbers go on past it.
    db.rows("INSERT INTO live_events (seq, conversation_id, run_id, at, body, source) VALUES (5, 1, 'run-b', ?, ?, 'vm-b:1:0')", T0 + 3, JSON.stringify(tool("old")));
    expect(live.after(null, 4, 500).map((e) => [e.seq, e.text])).toEqual([[5, "old"]]);
    expect(live.add({ conversationId: 1, runId: "run-b", at: T0 + 4, bodies: [tool("a"), tool("b")], source: null }).map((e) => e.seq)).toEqual([6, 7]);
  });

  it("keeps a run's start and progress lines from being stored twice (a re-attach, a stream read again), looking only past the run's floor", () => {
    const { liveEvents: live, runs } = db.repos;
    const start = (runId: string, at: number) => live.add({ conversationId: 1, runId, at, bodies: [{ kind: "start", text: "a run began" }], source: `${runId}:start` });
    const progress = (runId: string, vmRunId: string, seq: number, at: number) => live.add({ conversationId: 1, runId, at, bodies: [tool("still working")], source: `${vmRunId}:${seq}:0` });
    // Another run's events before this one is claimed: its row's floor is the newest number then.
    live.add({ conversationId: 2, runId: "run-a", at: T0, bodies: [tool("one"), tool("two"), tool("three")], source: null });
    const run = stepRun(null, [], { type: "dispatch", runId: "run-c", ids: [], context: "fresh", conversationId: 1, sessionId: null }, T0).run!;
    runs.write(null, run, T0);
    expect(db.rows("SELECT live_seq_floor FROM runs WHERE id = 'run-c'")).toEqual([{ live_seq_floor: 3 }]);
    expect(start("run-c", T0 + 1).map((e) => e.seq)).toEqual([4]);
    expect(progress("run-c", run.vmRunId, 7, T0 + 2).map((e) => e.seq)).toEqual([5]);
    // Attached again (a retry, an eviction) and its stream read again: nothing stored twice.
    expect(start("run-c", T0 + 3)).toEqual([]);
    expect(progress("run-c", run.vmRunId, 7, T0 + 4)).toEqual([]);
    // The next progress line is new.
    expect(progress("run-c", run.vmRunId, 9, T0 + 5).map((e) => e.seq)).toEqual([6]);
    expect(db.rows<{ source: string | null }>("SELECT source FROM live_events ORDER BY seq").map((r) => r.source)).toEqual([null, "run-c:start", `${run.vmRunId}:7:0`, `${run.vmRunId}:9:0`]);
    // No index on source: the lookup the repository runs reads the events by the rowid, from the run's floor on.
    expect(db.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'live_events'")).toEqual([]);
    const exec = vi.spyOn(db.db.storage.sql, "exec");
    progress("run-c", run.vmRunId, 9, T0 + 6);
    const lookup = exec.mock.calls.map((c) => c[0]).find((q) => /^\s*SELECT 1 FROM live_events/.test(q))!;
    exec.mockRestore();
    const plan = db.rows<{ detail: string }>(`EXPLAIN QUERY PLAN ${lookup}`, "run-c", "x").map((r) => r.detail);
    expect(plan.join(" | ")).toMatch(/SEARCH live_events USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    // An event numbered at or below the floor is not the run's, and is not read.
    db.rows("INSERT INTO live_events (seq, conversation_id, run_id, at, body, source) VALUES (2, 1, 'run-c', ?, '{}', 'run-c:early')", T0);
    expect(live.add({ conversationId: 1, runId: "run-c", at: T0 + 7, bodies: [tool("x")], source: "run-c:early" }).map((e) => e.seq)).toEqual([7]);
  });

  it("still keeps a source from being stored twice for a run with no floor (open across 0045) or no row", () => {
    const live = db.repos.liveEvents;
    const run = stepRun(null, [], { type: "dispatch", runId: "run-d", ids: [], context: "fresh", conversationId: 1, sessionId: null }, T0).run!;
    db.repos.runs.write(null, run, T0);
    db.rows("UPDATE runs SET live_seq_floor = NULL WHERE id = 'run-d'");
    for (const runId of ["run-d", "run-gone"]) {
      const once = { conversationId: 1, runId, at: T0, bodies: [{ kind: "start" as const, text: "a run began" }], source: `${runId}:start` };
      expect(live.add(once)).toHaveLength(1);
      expect(live.add({ ...once, at: T0 + 1 })).toEqual([]);
    }
    expect(db.rows<{ n: number }>("SELECT count(*) AS n FROM live_events")[0]!.n).toBe(2);
  });
});
