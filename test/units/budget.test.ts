// The budget unit over a real SQLite: whether the spend kept per day (in the user's zone) lets
// work run, when held work may run again (the time the object plans its alarm from), an
// admin's per-user cap, and telling the user once per capped period and cap.
import { describe, expect, it } from "vitest";
import type { Caps } from "../../src/usage/budget";
import { createBudget } from "../../src/usage/budget-unit";
import { HOUR, T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const unit = (caps: Caps = { dailyUsd: 1, monthlyUsd: null }) => createBudget({ spend: t.repos.spend, settings: t.repos.settings, outbox: t.repos.outbox, caps, queued: t.repos.messages.countQueued });
const spend = (day: string, usd: number, conversationId = 1) => t.repos.spend.add(day, conversationId, usd);
const notices = () => t.rows<{ dedupe_key: string; body: string }>("SELECT dedupe_key, body FROM outbox WHERE dedupe_key LIKE 'budget:%' ORDER BY id");

// T0 is 2026-11-23 10:00 UTC, 15:30 in Kolkata.
const NEXT_UTC_MIDNIGHT = Date.UTC(2026, 10, 24);
const NEXT_KOLKATA_MIDNIGHT = Date.UTC(2026, 10, 23, 18, 30);
const NEXT_UTC_MONTH = Date.UTC(2026, 11, 1);

describe("blockedUntil", () => {
  it.each([
    { name: "nothing spent", zone: null, caps: { dailyUsd: 1, monthlyUsd: null }, spent: [], blockedUntil: null },
    { name: "under the daily cap", zone: null, caps: { dailyUsd: 1, monthlyUsd: null }, spent: [["2026-11-23", 0.99]], blockedUntil: null },
    { name: "the daily cap reached across conversations", zone: null, caps: { dailyUsd: 1, monthlyUsd: null }, spent: [["2026-11-23", 0.5, 1], ["2026-11-23", 0.5, 2]], blockedUntil: NEXT_UTC_MIDNIGHT },
    { name: "yesterday's spend does not count today", zone: null, caps: { dailyUsd: 1, monthlyUsd: null }, spent: [["2026-11-22", 5]], blockedUntil: null },
    { name: "the cap in the user's zone: held until their midnight", zone: "Asia/Kolkata", caps: { dailyUsd: 1, monthlyUsd: null }, spent: [["2026-11-23", 1]], blockedUntil: NEXT_KOLKATA_MIDNIGHT },
    { name: "the monthly cap: held until the month turns", zone: null, caps: { dailyUsd: 10, monthlyUsd: 3 }, spent: [["2026-11-01", 2], ["2026-11-23", 1]], blockedUntil: NEXT_UTC_MONTH },
    { name: "last month's spend does not count", zone: null, caps: { dailyUsd: 10, monthlyUsd: 3 }, spent: [["2026-10-31", 5]], blockedUntil: null },
  ] as const)("$name", ({ zone, caps, spent, blockedUntil }) => {
    if (zone) t.repos.settings.set("time_zone", zone);
    for (const [day, usd, conversationId] of spent) spend(day, usd, conversationId);
    expect(unit(caps).blockedUntil(T0)).toBe(blockedUntil);
  });

  it("an admin's per-user cap replaces the configured daily one, both ways", () => {
    spend("2026-11-23", 1.5);
    const budget = unit({ dailyUsd: 1, monthlyUsd: null });
    expect(budget.blockedUntil(T0)).toBe(NEXT_UTC_MIDNIGHT);
    t.repos.settings.set("daily_budget_usd", 2);
    expect(budget.blockedUntil(T0)).toBeNull();
    expect(budget.today(T0)).toEqual({ spentUsd: 1.5, limitUsd: 2 });
    t.repos.settings.set("daily_budget_usd", 0.5);
    expect(budget.blockedUntil(T0)).toBe(NEXT_UTC_MIDNIGHT);
  });

  it("the next day, in the user's zone, the work may run again", () => {
    t.repos.settings.set("time_zone", "Asia/Kolkata");
    spend("2026-11-23", 1);
    const budget = unit();
    expect(budget.blockedUntil(NEXT_KOLKATA_MIDNIGHT - 1)).toBe(NEXT_KOLKATA_MIDNIGHT);
    expect(budget.blockedUntil(NEXT_KOLKATA_MIDNIGHT)).toBeNull();
  });
});

describe("nextDueAt", () => {
  it.each([
    { name: "under the cap: never, and the queue is not counted", spent: 0.5, queued: 3, told: false, due: null, queueReads: 0 },
    { name: "over the cap with nothing queued: never", spent: 1, queued: 0, told: false, due: null, queueReads: 1 },
    { name: "over the cap with work queued, the user not told: now", spent: 1, queued: 2, told: false, due: T0, queueReads: 1 },
    { name: "over the cap, the user told: at the reset", spent: 1, queued: 2, told: true, due: NEXT_UTC_MIDNIGHT, queueReads: 1 },
  ])("$name", ({ spent, queued, told, due, queueReads }) => {
    spend("2026-11-23", spent);
    let reads = 0;
    const budget = createBudget({ spend: t.repos.spend, settings: t.repos.settings, outbox: t.repos.outbox, caps: { dailyUsd: 1, monthlyUsd: null }, queued: () => (reads++, queued) });
    if (told) budget.tellHeld(T0);
    expect(budget.nextDueAt(T0)).toBe(due);
    // The check is remembered until spend or settings change; the queue's count changes with every stored message.
    expect(reads).toBe(queueReads);
  });
});

describe("tellHeld", () => {
  it("says nothing while work may run", () => {
    spend("2026-11-23", 0.5);
    unit().tellHeld(T0);
    expect(notices()).toEqual([]);
  });

  it("tells once per capped period and cap: a raised cap reached again is news, the next day too", () => {
    t.repos.settings.set("time_zone", "Asia/Kolkata");
    spend("2026-11-23", 1);
    const budget = unit();
    budget.tellHeld(T0);
    budget.tellHeld(T0 + HOUR);
    expect(notices()).toEqual([
      {
        dedupe_key: "budget:daily:2026-11-23:1",
        body: "💸 Your daily budget of $1.00 is spent ($1.00 today), so I'm holding your messages until it resets 2026-11-24 00:00 (Asia/Kolkata). An admin can raise it; /stop drops what waits.",
      },
    ]);
    t.repos.settings.set("daily_budget_usd", 2);
    spend("2026-11-23", 1);
    budget.tellHeld(T0 + 2 * HOUR);
    spend("2026-11-24", 2);
    budget.tellHeld(NEXT_KOLKATA_MIDNIGHT + HOUR);
    expect(notices().map((n) => n.dedupe_key)).toEqual(["budget:daily:2026-11-23:1", "budget:daily:2026-11-23:2", "budget:daily:2026-11-24:2"]);
  });
});

describe("recordCost and recordUnknown", () => {
  // T0 + 10 h is 20:00 UTC on the 23rd and 01:30 on the 24th in Kolkata.
  it.each([
    { zone: null, day: "2026-11-23" },
    { zone: "Asia/Kolkata", day: "2026-11-24" },
  ] as const)("a run's cost counts on the user's day ($zone → $day)", ({ zone, day }) => {
    if (zone) t.repos.settings.set("time_zone", zone);
    const budget = unit();
    budget.recordCost(2, 0.25, T0 + 10 * HOUR);
    budget.recordUnknown(2, T0 + 10 * HOUR);
    expect(t.rows("SELECT day, conversation_id, cost_usd, turns, unknown_runs FROM spend_days")).toEqual([{ day, conversation_id: 2, cost_usd: 0.25, turns: 1, unknown_runs: 1 }]);
  });

  // The offline-model flag: unset reads as "0", so a run of the real model writes no row for it
  // until a run of the offline model set it (a phone's first message wrote "0" before: a row for nothing).
  it.each([
    { before: null, offline: false, after: null },
    { before: null, offline: true, after: "1" },
    { before: "1", offline: false, after: "0" },
    { before: "0", offline: true, after: "1" },
    { before: "0", offline: false, after: "0" },
  ] as const)("the offline-model flag $before, a run offline: $offline → $after", ({ before, offline, after }) => {
    if (before !== null) t.repos.settings.set("offline_model", before);
    unit().recordCost(1, 0, T0, offline);
    expect(t.repos.settings.get("offline_model")).toBe(after);
  });
});
