import { describe, expect, it } from "vitest";
import {
  alarmsInWindow,
  claimingAlarm,
  claimLogOffsets,
  cpuBetween,
  type LogLine,
  parseTaskMessageId,
  queueRun,
  repeatedTaskStarts,
  repliesMatching,
  taskStarts,
  type VmArrival,
  wakeupsPerDay,
} from "../schedules/measure";

const DUE = 1_800_000_000_000;
const start = (userId: string, ids: string[], at: number): VmArrival => ({ kind: "start", userId, messages: ids.map((id) => ({ id })), at });
const line = (at: number, fields: Record<string, unknown>): LogLine => ({ at, fields });

describe("parseTaskMessageId", () => {
  it.each([
    { id: `task-3-${DUE}`, want: { scheduleId: 3, dueAt: DUE } },
    { id: "task-12-5", want: { scheduleId: 12, dueAt: 5 } },
    { id: "SM0123", want: null },
    { id: "task-x-5", want: null },
    { id: `task-3-${DUE}-extra`, want: null },
  ])("$id", ({ id, want }) => {
    expect(parseTaskMessageId(id)).toEqual(want);
  });
});

describe("taskStarts", () => {
  const requests: VmArrival[] = [
    start("+1", [`task-1-${DUE}`], DUE + 300),
    // Another user's first task has the same id: it is a task of its own.
    start("+2", [`task-1-${DUE}`], DUE + 120),
    // A second start of the same task (a retry) does not count again; the first arrival does.
    start("+1", [`task-1-${DUE}`], DUE + 900),
    start("+1", ["SMuser"], DUE + 50),
    { kind: "input", userId: "+3", messages: [{ id: `task-1-${DUE}` }], at: DUE + 10 },
    { kind: "events", userId: "+1", at: DUE + 20 },
  ];

  it("takes the first start of each user's task, lateness = arrival − due from the id", () => {
    expect(taskStarts(requests).map((s) => [s.userId, s.latenessMs])).toEqual([
      ["+2", 120],
      ["+1", 300],
    ]);
  });

  it("counts repeated starts per user", () => {
    expect(repeatedTaskStarts(requests)).toBe(1);
    expect(repeatedTaskStarts(requests.filter((r) => r.userId === "+2"))).toBe(0);
  });
});

describe("queueRun", () => {
  it("gives the first start's lateness, the spread and the median gap of one user's starts", () => {
    const starts = taskStarts([start("+1", [`task-2-${DUE}`], DUE + 400), start("+1", [`task-1-${DUE}`], DUE + 100), start("+1", [`task-3-${DUE}`], DUE + 1000)]);
    const run = queueRun(starts);
    expect(run).toMatchObject({ started: 3, firstLatenessMs: 100, spreadMs: 900, medianGapMs: 450 });
    expect(run.lateness).toMatchObject({ p50: 400, p99: 1000, min: 100, max: 1000 });
  });

  it("is NaN without starts", () => {
    const run = queueRun([]);
    expect(run.started).toBe(0);
    expect(run.firstLatenessMs).toBeNaN();
    expect(run.spreadMs).toBeNaN();
  });
});

describe("claimingAlarm", () => {
  const lines = [
    line(1, { event: "alarm_done", phone: "A", durationMs: 5, rowsWritten: 3 }),
    line(2, { event: "tasks_claimed", phone: "A", tasks: 50 }),
    line(3, { event: "alarm_done", phone: "B", durationMs: 7, rowsWritten: 9 }),
    line(4, { event: "run_finished", phone: "A" }),
    line(5, { event: "alarm_done", phone: "A", durationMs: 3600, rowsWritten: 2004 }),
    line(6, { event: "alarm_done", phone: "A", durationMs: 2, rowsWritten: 1 }),
  ];

  it("is the phone's first alarm_done after its tasks_claimed", () => {
    expect(claimingAlarm(lines, "A")).toEqual({ tasksClaimed: 50, durationMs: 3600, rowsWritten: 2004, doneAt: 5 });
  });

  it("is null before the alarm has finished, or without a claim", () => {
    expect(claimingAlarm(lines.slice(0, 4), "A")).toBeNull();
    expect(claimingAlarm(lines, "B")).toBeNull();
  });
});

describe("claimLogOffsets", () => {
  it("sorts the chosen phones' tasks_claimed arrivals after the due time", () => {
    const lines = [
      line(DUE + 700, { event: "tasks_claimed", phone: "A", tasks: 1 }),
      line(DUE + 40, { event: "tasks_claimed", phone: "B", tasks: 1 }),
      line(DUE + 50, { event: "tasks_claimed", phone: "C", tasks: 1 }),
      line(DUE - 5_000, { event: "tasks_claimed", phone: "A", tasks: 1 }),
      line(DUE + 60, { event: "alarm_done", phone: "A" }),
    ];
    expect(claimLogOffsets(lines, new Set(["A", "B"]), DUE)).toEqual([40, 700]);
  });
});

describe("idle wake-ups", () => {
  const lines = [
    line(100, { event: "alarm_done", phone: "A" }),
    line(200, { event: "alarm_done", phone: "A" }),
    line(250, { event: "pump_done", phone: "A" }),
    line(300, { event: "alarm_done", phone: "B" }),
    line(400, { event: "alarm_done", phone: "A" }),
  ];

  it.each([
    { window: { fromAt: 100, toAt: 400 }, phone: "A", want: 2 },
    { window: { fromAt: 0, toAt: 99 }, phone: "A", want: 0 },
    { window: { fromAt: 0, toAt: 1000 }, phone: "B", want: 1 },
  ])("alarm_done of $phone in ($window.fromAt, $window.toAt] is $want", ({ window, phone, want }) => {
    expect(alarmsInWindow(lines, phone, window)).toBe(want);
  });

  it.each([
    { count: 0, ms: 30_000, want: 0 },
    { count: 0, ms: 0, want: 0 },
    { count: 1, ms: 3_600_000, want: 24 },
    { count: 3, ms: 86_400_000, want: 3 },
  ])("$count in $ms ms is $want a day", ({ count, ms, want }) => {
    expect(wakeupsPerDay(count, { fromAt: 1_000, toAt: 1_000 + ms })).toBe(want);
  });
});

describe("repliesMatching", () => {
  it("counts the phone's replies whose text matches", () => {
    const sent = [
      { to: "whatsapp:+1", body: "Task #1 scheduled: once" },
      { to: "whatsapp:+1", body: "Task #2 scheduled: once" },
      { to: "whatsapp:+2", body: "Task #1 scheduled: once" },
      { to: "whatsapp:+1", body: null },
      { to: "whatsapp:+1", body: "There is no task #9." },
    ];
    expect(repliesMatching(sent, "+1", /^Task #\d+ scheduled: /)).toBe(2);
    expect(repliesMatching(sent, "+3", /./)).toBe(0);
  });
});

describe("cpuBetween", () => {
  const samples = [
    { at: 900, workerdMs: 5_000 },
    { at: 1_000, workerdMs: 5_010 },
    { at: 1_100, workerdMs: 5_090 },
    { at: 1_200, workerdMs: 5_180 },
  ];

  it.each([
    { from: 1_000, to: 1_200, want: { cpuMs: 170, wallMs: 200 } },
    { from: 1_050, to: 1_150, want: { cpuMs: 170, wallMs: 200 } },
    { from: 950, to: 1_000, want: { cpuMs: 10, wallMs: 100 } },
  ])("from the last sample at or before $from to the first at or after $to", ({ from, to, want }) => {
    expect(cpuBetween(samples, from, to)).toEqual(want);
  });

  it("is NaN when the samples do not cover the span", () => {
    expect(cpuBetween(samples, 800, 1_000).cpuMs).toBeNaN();
    expect(cpuBetween(samples, 1_000, 1_300).cpuMs).toBeNaN();
  });
});
