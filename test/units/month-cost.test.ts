// The active month's arithmetic (bench/month/month-cost.ts): measured counts of one run, scaled to a
// month and priced, checked by hand against round numbers.
import { describe, expect, it } from "vitest";
import { ACTIVE_USER, type ActiveUser, type MachinePlan, type MeasuredRun, priceMonth, runningSeconds, runsPerMonth, turnsPerMonth } from "../../bench/month/month-cost";
import { PRICES } from "../../bench/month/prices";

// 10 messages a day in one run for 30 days, no standup: 300 turns, so each count of a 10-message run × 30.
const user: ActiveUser = { messagesPerDay: 10, runsPerDay: 1, standupsPerMonth: 0, daysPerMonth: 30, voiceNotesPerMonth: 60, voiceNoteSeconds: 30, spokenReplyChars: 500, spokenRepliesPerMonth: 40 };
const run: MeasuredRun = { messages: 10, workerRequests: 40, workerCpuMs: 100, durableRequests: 50, rowsWritten: 200, rowsRead: 1000, durableActiveMs: 10_000, runMs: 60_000 };
const stored = { sqliteBytes: 1e8, r2Bytes: 2e9, r2Writes: 1000, r2Reads: 10_000 };
const machine: MachinePlan = { cpus: 1, memoryMb: 1024, idleMs: 900_000, volumeGb: 1, rootfsGb: [1, 1.2] };

describe("priceMonth", () => {
  const month = priceMonth(run, stored, machine, user, PRICES);
  const byName = new Map(month.cloudflare.items.concat(month.fly.items).map((i) => [i.name, i]));

  it.each([
    ["Worker requests", 1200, 0.00036],
    ["Worker CPU", 3000, 0.00006],
    ["Durable Object requests", 1500, 0.000225],
    // 10 s × 128 MB × 30 runs
    ["Durable Object duration", 38.4, 0.00048],
    ["SQLite rows written", 6000, 0.006],
    ["SQLite rows read", 30_000, 0.00003],
    ["SQLite stored", 0.1, 0.02],
    ["R2 Class A", 1000, 0.0045],
    ["R2 Class B", 10_000, 0.0036],
    ["R2 stored", 2, 0.03],
    // 60 notes × 30 s
    ["Workers AI whisper", 30, 0.015],
    // 40 replies × 500 characters
    ["Workers AI aura-1", 20, 0.3],
    // 30 runs × (60 s + 900 s idle)
    ["Machine running", 28_800, (28_800 * 5.77) / (730 * 3600)],
    ["root filesystem while suspended", (2_592_000 - 28_800) / 2_592_000, (0.15 * (2_592_000 - 28_800)) / 2_592_000],
    ["volume", 1, 0.15],
  ])("%s: %d units, $%d", (name, quantity, usd) => {
    expect(byName.get(name)?.quantity).toBeCloseTo(quantity, 6);
    expect(byName.get(name)?.usd).toBeCloseTo(usd, 9);
  });

  it("totals: Cloudflare the sum of its items; Fly low without a snapshot, high with the larger root filesystem and a 1 GB snapshot", () => {
    expect(month.cloudflare.usd).toBeCloseTo(0.00036 + 0.00006 + 0.000225 + 0.00048 + 0.006 + 0.00003 + 0.02 + 0.0045 + 0.0036 + 0.03 + 0.015 + 0.3, 9);
    const suspended = (2_592_000 - 28_800) / 2_592_000;
    const low = (28_800 * 5.77) / (730 * 3600) + 0.15 * suspended + 0.15;
    expect(month.fly.usd[0]).toBeCloseTo(low, 9);
    expect(month.fly.usd[1]).toBeCloseTo(low + (0.2 + 1) * suspended * 0.15, 9);
  });

  it("rows not counted price as none, and rows written follow the measured count", () => {
    const fewer = priceMonth({ ...run, rowsRead: null, rowsWritten: 100 }, stored, machine, user, PRICES);
    const items = new Map(fewer.cloudflare.items.map((i) => [i.name, i.usd]));
    expect(items.get("SQLite rows read")).toBe(0);
    expect(items.get("SQLite rows written")).toBeCloseTo(0.003, 9);
  });

  it("a memory beyond the CPUs' 256 MB each is billed per GB: shared-cpu-2x with 2 GB", () => {
    const two = priceMonth(run, stored, { ...machine, cpus: 2, memoryMb: 2048 }, user, PRICES);
    expect(two.fly.items[0]!.usd).toBeCloseTo((28_800 * (2 * 2.02 + 1.5 * 5)) / (730 * 3600), 9);
  });
});

describe("the active user's month", () => {
  it.each([
    ["turns: 100 × 30 messages and a standup each weekday", turnsPerMonth(ACTIVE_USER), 3000 + 150 / 7],
    ["runs: 5 × 30 and the standups", runsPerMonth(ACTIVE_USER), 150 + 150 / 7],
    // 20-message runs of 20 × 0.5 s, the standup 0.5 s, each followed by 15 minutes idle
    ["running seconds", runningSeconds({ ...run, messages: 20, runMs: 10_000 }, ACTIVE_USER, 900_000), 150 * 910 + (150 / 7) * 900.5],
    ["running seconds never pass the month", runningSeconds(run, ACTIVE_USER, 86_400_000), 30 * 86_400],
  ])("%s", (_, value, expected) => {
    expect(value).toBeCloseTo(expected, 6);
  });
});
