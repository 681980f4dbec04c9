import { describe, expect, it } from "vitest";
import { barGeometry, type ChangeView, chartFigures, daysEnding, LABEL_EVERY_BAR_UP_TO, fillDays, inlineChange, listedToolCalls, pageTime, runDuration, runIdOfVmRun, type ToolCallsView } from "../../src/web/web-page-model";
import { linkLifetime } from "../../src/web/web-replies";

describe("the page's days and bars", () => {
  it.each([
    ["2026-11-23", 3, ["2026-11-21", "2026-11-22", "2026-11-23"]],
    ["2026-03-01", 2, ["2026-02-28", "2026-03-01"]],
    ["2024-03-01", 2, ["2024-02-29", "2024-03-01"]],
    ["2027-01-01", 2, ["2026-12-31", "2027-01-01"]],
  ])("daysEnding(%s, %i)", (last, count, days) => {
    expect(daysEnding(last, count)).toEqual(days);
  });

  it("fills days without rows with zero", () => {
    expect(fillDays(["a", "b", "c"], new Map([["b", 2]]))).toEqual([
      { day: "a", value: 0 },
      { day: "b", value: 2 },
      { day: "c", value: 0 },
    ]);
  });

  it("draws the largest value to the top, a zero as no bar, a tiny value as at least one unit", () => {
    const bars = barGeometry(
      [
        { day: "a", value: 0 },
        { day: "b", value: 10 },
        { day: "c", value: 0.001 },
      ],
      300,
      100,
    );
    expect(bars.map((b) => [b.x, b.width, b.y, b.height])).toEqual([
      [10, 80, 100, 0],
      [110, 80, 0, 100],
      [210, 80, 99, 1],
    ]);
    expect(barGeometry([{ day: "a", value: 0 }], 100, 50)[0]!.height).toBe(0);
    expect(barGeometry([], 100, 50)).toEqual([]);
  });

  const days = (...values: number[]) => values.map((value, i) => ({ day: `d${i}`, value }));
  it.each([
    { name: "a week: every non-zero bar says its amount", values: days(3, 0, 12, 7), total: 22, highest: { day: "d2", value: 12 }, labelled: [0, 2, 3] },
    { name: "the first of equal highest days is the highest", values: days(5, 5, 1), total: 11, highest: { day: "d0", value: 5 }, labelled: [0, 1, 2] },
    { name: "all zero: no highest day, no amounts", values: days(0, 0, 0), total: 0, highest: null, labelled: [] },
    { name: "no days", values: [], total: 0, highest: null, labelled: [] },
    {
      name: "a month: only the highest bar says its amount",
      values: days(...Array.from({ length: 30 }, (_, i) => (i === 17 ? 2.5 : 0.5))),
      total: 29 * 0.5 + 2.5,
      highest: { day: "d17", value: 2.5 },
      labelled: [17],
    },
  ])("chartFigures: $name", ({ values, total, highest, labelled }) => {
    const figures = chartFigures(values);
    expect(figures.total).toBeCloseTo(total, 9);
    expect(figures.highest).toEqual(highest);
    expect(figures.labelled).toEqual(labelled);
  });

  it(`labels every bar up to ${LABEL_EVERY_BAR_UP_TO} days, the highest alone past that`, () => {
    const ones = (n: number) => days(...Array.from({ length: n }, () => 1));
    expect(chartFigures(ones(LABEL_EVERY_BAR_UP_TO)).labelled).toHaveLength(LABEL_EVERY_BAR_UP_TO);
    expect(chartFigures(ones(LABEL_EVERY_BAR_UP_TO + 1)).labelled).toEqual([0]);
  });
});

describe("times and durations", () => {
  it.each([
    [{ startedAt: 0, endedAt: 840 }, "840 ms"],
    [{ startedAt: 0, endedAt: 42_400 }, "42 s"],
    [{ startedAt: 0, endedAt: 125_000 }, "2 min 5 s"],
    [{ startedAt: 5, endedAt: null }, "still running"],
  ])("runDuration(%o) = %s", (run, text) => {
    expect(runDuration(run)).toBe(text);
  });

  it.each([
    ["UTC", "2026-11-23 14:05"],
    ["Europe/Berlin", "2026-11-23 15:05"],
    ["America/New_York", "2026-11-23 09:05"],
  ])("pageTime in %s", (zone, text) => {
    expect(pageTime(Date.UTC(2026, 10, 23, 14, 5, 30), zone)).toBe(text);
  });

  it.each([
    [24, "24 h"],
    [1.5, "1.5 h"],
    [0.5, "30 min"],
    [0.01, "36 s"],
  ])("a link of %s h is said to work for %s", (hours, text) => {
    expect(linkLifetime(hours)).toBe(text);
  });
});

describe("what the page shows of runs", () => {
  const calls = (n: number, more = 0): ToolCallsView => ({ calls: Array.from({ length: n }, (_, i) => ({ tool: "Bash", input: `step ${i}` })), more });
  const shown = (runs: { toolCalls: ToolCallsView | null }[]) => runs.map((r) => (r.toolCalls ? [r.toolCalls.calls.length, r.toolCalls.more] : null));

  it.each([
    ["the latest runs list their first calls, older ones only count theirs", [calls(3), calls(8), calls(2, 4)], [[0, 3], [5, 3], [2, 4]]],
    ["a run whose calls were not recorded stays so", [calls(1), null, calls(0)], [[0, 1], null, [0, 0]]],
    ["the VM's own count of calls past 100 is kept", [calls(100, 20)], [[5, 115]]],
  ] as const)("%s", (_name, toolCalls, want) => {
    const runs = toolCalls.map((t) => ({ toolCalls: t as ToolCallsView | null }));
    expect(shown(listedToolCalls(runs, { recentRuns: 2, perRun: 5 }))).toEqual(want);
  });

  it.each([
    ["abc-1", "abc"],
    ["9cf1644f-d3d2-4b59-9f26-5657859e19f3-12", "9cf1644f-d3d2-4b59-9f26-5657859e19f3"],
  ])("the run of VM run %s is %s", (vmRunId, runId) => expect(runIdOfVmRun(vmRunId)).toBe(runId));

  it("shows inline the newest change with HTML kept that is not undone", () => {
    const change = (id: string, over: Partial<ChangeView> = {}): ChangeView => ({ vmRunId: id, label: id, files: 1, insertions: 1, deletions: 0, undone: false, truncated: false, diffHtmlKey: `k/${id}`, ...over });
    const run = (startedAt: number, changes: ChangeView[]) => ({ startedAt, changes });
    const a = change("a-1");
    const undone = change("b-1", { undone: true });
    const noHtml = change("c-1", { diffHtmlKey: null });
    expect(inlineChange([{ runs: [run(1, [a]), run(2, [undone]), run(3, [noHtml])] as never }])?.vmRunId).toBe("a-1");
    const newer = change("d-1");
    expect(inlineChange([{ runs: [run(1, [a])] as never }, { runs: [run(5, [newer])] as never }])?.vmRunId).toBe("d-1");
    expect(inlineChange([{ runs: [] }])).toBeNull();
  });
});
