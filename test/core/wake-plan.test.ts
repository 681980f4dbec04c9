import { describe, expect, it } from "vitest";
import { planWake, runsDueAt, WATCHDOG_LEAD_MS, WATCHDOG_MS, watchdogRefreshAt, type WakeInput, type WakePlan } from "../../src/shared/wake-plan";

const now = 1_000_000;
const idle: WakeInput = { now, storedAlarmAt: null, pumping: false, dueAt: [] };

describe("planWake", () => {
  it.each<[string, Partial<WakeInput>, WakePlan]>([
    ["nothing due, no alarm: nothing to do", {}, { action: "keep" }],
    ["nothing due, an alarm pending: delete it (an idle user costs nothing)", { storedAlarmAt: now + 9_000 }, { action: "delete" }],
    ["something due now and nobody pumping: wake now", { dueAt: [now] }, { action: "set", at: now }],
    ["due now, the alarm already set for it: keep", { dueAt: [now], storedAlarmAt: now }, { action: "keep" }],
    ["a run waiting to retry: wake at its attempt", { dueAt: [now + 5_000] }, { action: "set", at: now + 5_000 }],
    ["a stream this instance reads (due now, pumping): only the watchdog", { dueAt: [now], pumping: true }, { action: "set", at: now + WATCHDOG_MS }],
    ["the watchdog still ahead by more than its lead: keep it", { dueAt: [now], pumping: true, storedAlarmAt: now + WATCHDOG_LEAD_MS + 1 }, { action: "keep" }],
    ["the watchdog within its lead of firing: push it", { dueAt: [now], pumping: true, storedAlarmAt: now + WATCHDOG_LEAD_MS }, { action: "set", at: now + WATCHDOG_MS }],
    ["an alarm farther ahead than the watchdog while a stream is read (a crash would hold the reply that long): pull it in", { dueAt: [now], pumping: true, storedAlarmAt: now + 40_000 }, { action: "set", at: now + WATCHDOG_MS }],
    ["an outbox retry sooner than the net while pumping: its own time (an instance that dies does not delay it)", { dueAt: [now, now + 2_000], pumping: true }, { action: "set", at: now + 2_000 }],
    ["that retry's alarm already set: keep", { dueAt: [now, now + 2_000], pumping: true, storedAlarmAt: now + 2_000 }, { action: "keep" }],
    ["a run's retry in 5 s while the pump does other work: its own time", { dueAt: [now + 5_000, now], pumping: true }, { action: "set", at: now + 5_000 }],
    ["a task due later than the watchdog while pumping: still the watchdog", { dueAt: [now, now + 3_600_000], pumping: true }, { action: "set", at: now + WATCHDOG_MS }],
    ["pumping with nothing due at all: no alarm", { pumping: true, storedAlarmAt: now + 30_000 }, { action: "delete" }],
    ["idle with a task due in an hour", { dueAt: [null, now + 3_600_000] }, { action: "set", at: now + 3_600_000 }],
    ["the earliest unit wins", { dueAt: [now + 9_000, now + 4_000, null] }, { action: "set", at: now + 4_000 }],
    ["an overdue unit: wake now (setAlarm in the past fires at once)", { dueAt: [now - 10] }, { action: "set", at: now - 10 }],
    ["the same overdue time already set: keep", { dueAt: [now - 10], storedAlarmAt: now - 10 }, { action: "keep" }],
    ["an alarm later than what is due: move it earlier", { dueAt: [now + 1_000], storedAlarmAt: now + 50_000 }, { action: "set", at: now + 1_000 }],
  ])("%s", (_name, input, expected) => {
    expect(planWake({ ...idle, ...input })).toEqual(expected);
  });
});

describe("runsDueAt", () => {
  type Case = { reading: boolean; runs: { nextAttemptAt: number }[]; startable: boolean; held: boolean };
  const none: Case = { reading: false, runs: [], startable: false, held: false };
  it.each<[string, Case, number | null]>([
    ["nothing open, nothing queued: never", none, null],
    ["a batch may start: now", { ...none, startable: true }, now],
    ["a batch held by a spent budget: the budget unit says when", { ...none, startable: true, held: true }, null],
    ["a run waiting to retry, nothing may start beside it: its attempt", { ...none, runs: [{ nextAttemptAt: now + 5_000 }] }, now + 5_000],
    ["a run waiting to retry, another conversation's batch may start beside it: now", { ...none, runs: [{ nextAttemptAt: now + 5_000 }], startable: true }, now],
    ["two runs waiting: the earlier attempt", { ...none, runs: [{ nextAttemptAt: now + 5_000 }, { nextAttemptAt: now + 2_000 }] }, now + 2_000],
    ["a stream nobody reads any more: due since it opened", { ...none, runs: [{ nextAttemptAt: now - 5_000 }] }, now - 5_000],
    ["a stream this instance reads: now (the pump reads it)", { ...none, reading: true, runs: [{ nextAttemptAt: now - 5_000 }] }, now],
  ])("%s", (_name, { reading, runs, startable, held }, expected) => {
    let reads = 0;
    const queue = () => (reads++, { startable, held });
    expect(runsDueAt({ now, reading, runs, queue })).toBe(expected);
    // The queue is read only when no stream is read: it changes with every stored message.
    expect(reads).toBe(reading ? 0 : 1);
  });
});

describe("watchdogRefreshAt", () => {
  it.each([
    ["no alarm: look again now", null, now],
    ["an alarm a watchdog ahead: look again just before it fires", now + WATCHDOG_MS, now + WATCHDOG_MS - WATCHDOG_LEAD_MS],
    ["an alarm already within the lead: now", now + 1_000, now],
  ] as const)("%s", (_name, stored, expected) => {
    expect(watchdogRefreshAt(stored, now)).toBe(expected);
  });

  it.each([
    ["the alarm is another unit's retry 1 s ahead: no refresh (the retry bounds the read)", now + 1_000, [now + 1_000, null], null],
    ["the alarm is the net, within the lead, a unit due later: now", now + 1_000, [now + 5_000], now],
    ["an alarm already past, even if a unit named that time: now", now - 10, [now - 10], now],
  ] as const)("%s", (_name, stored, dueAt, expected) => {
    expect(watchdogRefreshAt(stored, now, dueAt)).toBe(expected);
  });
});
