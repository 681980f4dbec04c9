// The due times the units keep in due_times move with the rows they follow: after each write
// through a repository, the stored time equals what the rows say (the queries the units ran
// before they kept one). The outbox's is read from its rows and never stored.
import { expect, it } from "vitest";
import { HOUR, T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const stored = () => Object.fromEntries(t.rows<{ unit: string; due_at: number }>("SELECT unit, due_at FROM due_times ORDER BY unit").map((r) => [r.unit, r.due_at]));
const fromRows = () => ({
  schedules: t.rows<{ at: number | null }>("SELECT min(next_run_at) AS at FROM schedules WHERE status = 'active'")[0]!.at,
  approvals: t.rows<{ at: number | null }>("SELECT min(expires_at) AS at FROM approvals WHERE status = 'pending'")[0]!.at,
  conversations: t.rows<{ at: number | null }>("SELECT min(created_at) + 600000 AS at FROM conversations WHERE status = 'cloning'")[0]!.at,
  // The head's next attempt: later messages wait behind it (no files here).
  outbox: t.rows<{ at: number }>("SELECT next_attempt_at AS at FROM outbox WHERE status IN ('pending', 'sending') AND held = 0 ORDER BY id LIMIT 1")[0]?.at ?? null,
});
/** The outbox reads its due time from its own rows (outbox-repo.ts): it keeps none in due_times. */
const KEPT_IN_ROWS = new Set(["outbox"]);
const inStep = () => {
  const rows = Object.fromEntries(Object.entries(fromRows()).filter(([, at]) => at !== null));
  expect(stored()).toEqual(Object.fromEntries(Object.entries(rows).filter(([unit]) => !KEPT_IN_ROWS.has(unit))));
  const { schedules, approvals, conversations, outbox } = t.repos;
  const read = [schedules.nextDueAt(), approvals.nextExpiry(), conversations.cloneDeadline(), outbox.nextDueAt()];
  expect(read).toEqual([rows.schedules ?? null, rows.approvals ?? null, rows.conversations ?? null, rows.outbox ?? null]);
};

it("schedules: created, moved, paused, deleted", () => {
  const spec = { kind: "interval", everyMs: HOUR, anchorAt: T0 } as const;
  const a = t.repos.schedules.create({ spec, prompt: "a", context: "chat", nextRunAt: T0 + HOUR, conversationId: 1, now: T0 });
  inStep();
  const b = t.repos.schedules.create({ spec, prompt: "b", context: "chat", nextRunAt: T0 + 2 * HOUR, conversationId: 1, now: T0 });
  t.repos.schedules.setNext(a.id, "active", T0 + 3 * HOUR, T0);
  inStep();
  t.repos.schedules.setNext(b.id, "paused", null, T0);
  inStep();
  t.repos.schedules.delete(a.id);
  inStep();
  expect(stored()).toEqual({});
});

it("approvals: asked, then decided", () => {
  const ask = (requestId: string, expiresAt: number) =>
    t.repos.approvals.insert({ runId: "r", vmRunId: "v", requestId, conversationId: 1, tool: "Bash", description: "x", rule: null, expiresAt, now: T0 })!;
  const first = ask("q1", T0 + 2 * HOUR);
  ask("q2", T0 + HOUR);
  inStep();
  t.repos.approvals.decide(first.id, { status: "denied", answer: null, now: T0 });
  inStep();
  expect(stored()).toEqual({ approvals: T0 + HOUR });
});

it("outbox: added, deferred, sent, retried, failed; its due time read from its rows, no due_times row written", () => {
  t.repos.outbox.add({ dedupeKey: "k1", body: "one", now: T0 });
  t.repos.outbox.add({ dedupeKey: "k2", body: "two", now: T0 + 5 });
  inStep();
  const head = t.repos.outbox.head()!;
  t.repos.outbox.defer(head.id, T0 + HOUR, T0);
  inStep();
  t.repos.outbox.markSent(head.id, "SM1", T0);
  inStep();
  const next = t.repos.outbox.head()!;
  t.repos.outbox.markRetry(next.id, T0 + 60_000, "http_5xx", T0);
  inStep();
  t.repos.outbox.markFailed(next.id, "http_4xx", T0);
  inStep();
  expect(stored()).toEqual({});
});

it("conversations: clones started, one finished, one removed", () => {
  const clone = (name: string, now: number) => t.repos.conversations.create({ name, workspace: name, repoUrl: "https://github.com/o/r", branch: null, status: "cloning", now });
  const api = clone("api", T0);
  const web = clone("web", T0 + 60_000);
  inStep();
  expect(stored()).toEqual({ conversations: T0 + 600_000 });
  t.repos.conversations.markCloned(api.id, "main", T0);
  inStep();
  t.repos.conversations.delete(web.id);
  inStep();
  expect(stored()).toEqual({});
});
