import { describe, expect, it } from "vitest";
import { planWake, WATCHDOG_MS, watchdogRefreshAt, type WakeInput, type WakePlan } from "../../src/core/wake-plan";

const now = 1_000_000;
const idle: WakeInput = { now, storedAlarmAt: null, pumping: false, run: null, queued: 0, unitsDueAt: [] };
const streaming = { phase: "streaming", nextAttemptAt: now - 5_000 } as const;
const waitingAt = (at: number) => ({ phase: "waiting", nextAttemptAt: at }) as const;

describe("planWake", () => {
  it.each<[string, Partial<WakeInput>, WakePlan]>([
    ["nothing due, no alarm: nothing to do", {}, { action: "keep" }],
    ["nothing due, an alarm pending: delete it (an idle user costs nothing)", { storedAlarmAt: now + 9_000 }, { action: "delete" }],
    ["a queued message and nobody pumping: wake now", { queued: 1 }, { action: "set", at: now }],
    ["a queued message, the alarm already set for it: keep", { queued: 2, storedAlarmAt: now }, { action: "keep" }],
    ["a run waiting to retry: wake at its attempt", { run: waitingAt(now + 5_000) }, { action: "set", at: now + 5_000 }],
    ["a run waiting, queue too: the run decides (queued messages wait behind it)", { run: waitingAt(now + 5_000), queued: 3 }, { action: "set", at: now + 5_000 }],
    ["a stream nobody reads (the instance died): due since it opened", { run: streaming }, { action: "set", at: now - 5_000 }],
    ["a stream that failed waits out its backoff (no alarm loop)", { run: { phase: "streaming", nextAttemptAt: now + 10_000 } }, { action: "set", at: now + 10_000 }],
    ["a stream this instance reads: only the watchdog", { run: streaming, pumping: true }, { action: "set", at: now + WATCHDOG_MS }],
    ["the watchdog still well ahead: keep it", { run: streaming, pumping: true, storedAlarmAt: now + 40_000 }, { action: "keep" }],
    ["the watchdog under half its reach: push it", { run: streaming, pumping: true, storedAlarmAt: now + 20_000 }, { action: "set", at: now + WATCHDOG_MS }],
    ["a pump starting for a queued message: a safety net, not an alarm at now", { queued: 1, pumping: true }, { action: "set", at: now + WATCHDOG_MS }],
    ["an outbox retry sooner than the net while pumping: its own time (an instance that dies does not delay it)", { run: streaming, pumping: true, unitsDueAt: [now + 2_000] }, { action: "set", at: now + 2_000 }],
    ["that retry's alarm already set: keep", { run: streaming, pumping: true, unitsDueAt: [now + 2_000], storedAlarmAt: now + 2_000 }, { action: "keep" }],
    ["a unit due now while pumping: the pump does it now, the net stays", { queued: 1, pumping: true, unitsDueAt: [now] }, { action: "set", at: now + WATCHDOG_MS }],
    ["a task due later than the watchdog while pumping: still the watchdog", { run: streaming, pumping: true, unitsDueAt: [now + 3_600_000] }, { action: "set", at: now + WATCHDOG_MS }],
    ["idle with a task due in an hour", { unitsDueAt: [null, now + 3_600_000] }, { action: "set", at: now + 3_600_000 }],
    ["the earliest unit wins", { unitsDueAt: [now + 9_000, now + 4_000, null] }, { action: "set", at: now + 4_000 }],
    ["a unit earlier than a waiting run", { run: waitingAt(now + 80_000), unitsDueAt: [now + 1_000] }, { action: "set", at: now + 1_000 }],
    ["an overdue unit: wake now (setAlarm in the past fires at once)", { unitsDueAt: [now - 10] }, { action: "set", at: now - 10 }],
    ["the same overdue time already set: keep", { unitsDueAt: [now - 10], storedAlarmAt: now - 10 }, { action: "keep" }],
    ["an alarm later than what is due: move it earlier", { unitsDueAt: [now + 1_000], storedAlarmAt: now + 50_000 }, { action: "set", at: now + 1_000 }],
  ])("%s", (_name, input, expected) => {
    expect(planWake({ ...idle, ...input })).toEqual(expected);
  });
});

describe("watchdogRefreshAt", () => {
  it.each([
    ["no alarm: look again now", null, now],
    ["an alarm 60 s ahead: look again in 30 s", now + WATCHDOG_MS, now + WATCHDOG_MS / 2],
    ["an alarm already inside the band's lower half: now", now + 10_000, now],
  ] as const)("%s", (_name, stored, expected) => {
    expect(watchdogRefreshAt(stored, now)).toBe(expected);
  });
});
