import { describe, expect, it } from "vitest";
import type { Figure } from "../lib/figures";
import { idleDayWakeups, type ScheduleObservations, scheduleFigures } from "../schedules/figures";
import type { TaskStart } from "../schedules/measure";

const DUE = 1_800_000_000_000;
const DAY = 86_400_000;
const window = { fromAt: DUE - 60_000, toAt: DUE + 30_000 };
const stored = (alarmAt: number | null) => ({ name: "+1", alarmAt });

describe("idleDayWakeups", () => {
  it.each([
    { case: "no alarm seen, none stored", alarmsInWindow: 0, storedAtEnd: stored(null), want: 0 },
    { case: "storage unread counts only what was seen", alarmsInWindow: 0, storedAtEnd: null, want: 0 },
    { case: "an alarm stored for within the day will fire", alarmsInWindow: 0, storedAtEnd: stored(window.toAt + DAY - 1), want: 1 },
    { case: "an alarm stored beyond the day does not count", alarmsInWindow: 0, storedAtEnd: stored(window.toAt + DAY + 1), want: 0 },
    { case: "one alarm in 90 s scales to a day", alarmsInWindow: 1, storedAtEnd: stored(null), want: DAY / 90_000 },
  ])("$case → $want", ({ alarmsInWindow, storedAtEnd, want }) => {
    expect(idleDayWakeups({ alarmsInWindow, window, storedAtEnd })).toBeCloseTo(want, 9);
  });
});

describe("scheduleFigures", () => {
  const starts = (userId: (i: number) => string, lateness: number[], dueAt = DUE): TaskStart[] =>
    lateness.map((ms, i) => ({ userId: userId(i), messageId: `task-${i + 1}-${dueAt}`, dueAt, at: dueAt + ms, latenessMs: ms }));
  const base: ScheduleObservations = {
    sizes: { spreadUsers: 4, singleTasks: 3, leadMs: 20_000 },
    due: { singleDueAt: DUE - 60_000, spreadDueAt: DUE },
    confirmedAt: DUE - 100_000,
    loneStart: { userId: "+8", messageId: `task-1-${DUE - 30_000}`, dueAt: DUE - 30_000, at: DUE - 29_990, latenessMs: 10 },
    spreadCpu: { cpuMs: 400, wallMs: 800 },
    singleCpu: { cpuMs: 90, wallMs: 320 },
    spreadStarts: starts((i) => `+${i}`, [100, 120, 130, 1500]),
    spreadClaimLogMs: [20, 90],
    singleStarts: starts(() => "+9", [200, 260, 330], DUE - 60_000),
    singleRepeatedStarts: 0,
    claim: { tasksClaimed: 3, durationMs: 300, rowsWritten: 120, doneAt: DUE + 310 },
    idle: [{ label: "no tasks", alarmsInWindow: 0, window, storedAtEnd: stored(null) }],
    leftArmed: 0,
    taskObjects: 5,
    reloads: 0,
  };
  const byName = (figures: Figure[], start: string) => figures.find((f) => f.name.startsWith(start))!;

  it("judges (a) against 1 s: a p50 in time passes, a p99 over it fails", () => {
    const figures = scheduleFigures(base);
    expect(byName(figures, "task start lateness p50 [4 users")).toMatchObject({ value: 120, pass: true });
    expect(byName(figures, "task start lateness p99 [4 users")).toMatchObject({ value: 1500, pass: false });
    expect(byName(figures, "claims logged")).toMatchObject({ value: "20 → 90" });
  });

  it("judges the lone task against 1 s and reports the burst's CPU per object due", () => {
    const figures = scheduleFigures(base);
    expect(byName(figures, "task start lateness [1 user, 1 task")).toMatchObject({ value: 10, pass: true });
    expect(byName(figures, "workerd CPU")).toMatchObject({ value: 400 });
    expect(byName(figures, "workerd CPU").note).toBe("over 800 ms wall; 100 ms per object");
    expect(byName(figures, "task start lateness [1 user, 1 task").note).toContain("due 30 s after the 3-task minute");
    expect(byName(scheduleFigures({ ...base, loneStart: null }), "task start lateness [1 user, 1 task")).toMatchObject({ pass: null, note: "never started" });
  });

  it("reports (b) and (c) without a target: first start, spread, handler time per task", () => {
    const figures = scheduleFigures(base);
    expect(byName(figures, "first task start lateness")).toMatchObject({ value: 200 });
    expect(byName(figures, "first task start lateness").pass).toBeUndefined();
    expect(byName(figures, "task starts spread")).toMatchObject({ value: 130 });
    expect(byName(figures, "alarm handler time [")).toMatchObject({ value: 300 });
    expect(byName(figures, "alarm handler time per task")).toMatchObject({ value: 100, note: "workerd CPU 30 ms and 40 rows per task" });
  });

  it("counts tasks that never started and objects left armed as failures, and flags reloads", () => {
    const figures = scheduleFigures({ ...base, singleStarts: base.singleStarts.slice(0, 1), leftArmed: 2, reloads: 1, confirmedAt: null });
    expect(byName(figures, "tasks created but not started")).toMatchObject({ value: 2, pass: false });
    expect(byName(figures, "tasks created but not started").note).toMatch(/^of 8;/);
    expect(byName(figures, "tasks created but not started").note).toContain("NOT all in");
    expect(byName(figures, "objects left with an alarm")).toMatchObject({ value: 2, pass: false });
    expect(byName(figures, "wrangler reloads")).toMatchObject({ value: 1, pass: false });
    expect(scheduleFigures(base).some((f) => f.name.startsWith("wrangler reloads"))).toBe(false);
  });

  it("passes an idle day with no wake-up and fails one with an alarm seen", () => {
    expect(byName(scheduleFigures(base), "alarm wake-ups per idle day")).toMatchObject({ value: 0, pass: true, note: "0 alarm_done in 90 s; alarm stored at end: none" });
    const deleted = scheduleFigures({ ...base, idle: [{ ...base.idle[0]!, alarmAheadWhileActiveMs: DAY }] });
    expect(byName(deleted, "alarm wake-ups per idle day").note).toContain("; while its task was active: alarm 24 h ahead");
    const woke = scheduleFigures({ ...base, idle: [{ ...base.idle[0]!, alarmsInWindow: 1 }] });
    expect(byName(woke, "alarm wake-ups per idle day").pass).toBe(false);
  });

  // The stored alarm is the platform's only (workerd's _cf_METADATA): the note says where it stands.
  it.each([
    { case: "none stored", storedAtEnd: stored(null), value: 0, note: "0 alarm_done in 90 s; alarm stored at end: none" },
    { case: "one stored beyond the day", storedAtEnd: stored(window.toAt + DAY + 3_600_000), value: 0, note: "0 alarm_done in 90 s; alarm stored at end: 25 h ahead" },
    { case: "one stored to fire soon", storedAtEnd: stored(window.toAt + 30_000), value: 1, note: "0 alarm_done in 90 s; alarm stored at end: 30 s ahead" },
    { case: "one overdue", storedAtEnd: stored(window.toAt - 2_000), value: 1, note: "0 alarm_done in 90 s; alarm stored at end: -2 s ahead" },
    { case: "storage unread", storedAtEnd: null, value: 0, note: "0 alarm_done in 90 s; storage not read" },
  ])("says the alarm stored at the end: $case", ({ storedAtEnd, value, note }) => {
    const figure = byName(scheduleFigures({ ...base, idle: [{ ...base.idle[0]!, storedAtEnd }] }), "alarm wake-ups per idle day");
    expect(figure).toMatchObject({ value, pass: value === 0, note });
  });
});
