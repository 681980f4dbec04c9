import { describe, expect, it } from "vitest";
import { pairedDifferences, sampleProblem, type SecondSample, secondConversationFigures, type TripleRound, tripleFigures, tripleMedians } from "../parallel/figures";
import { type ParallelSide, roundOrder, samplesPerSide, turnText } from "../parallel/plan";
import { parentOf, rssKbOf, treeOf } from "../parallel/tree-memory";

const sample = (side: ParallelSide, round: number, firstModelMs: number | null, over: Partial<SecondSample> = {}): SecondSample => ({
  side,
  round,
  firstModelMs,
  error: null,
  longRunLive: side === "beside" ? true : null,
  ...over,
});

describe("the plan", () => {
  it("alternates which side goes first, one sample of each per round", () => {
    expect([0, 1, 2].map(roundOrder)).toEqual([["alone", "beside"], ["beside", "alone"], ["alone", "beside"]]);
  });
  it("takes at least 10 samples per side, 3 when quick", () => {
    expect(samplesPerSide(false)).toBeGreaterThanOrEqual(10);
    expect(samplesPerSide(true)).toBe(3);
  });
  it("slows only the long run's answer, and gives each run its own text", () => {
    expect(turnText("long", 0, "r")).toMatch(/\[\[slow \d+\]\]$/);
    expect(turnText("beside", 0, "r")).not.toMatch(/\[\[/);
    expect(turnText("alone", 1, "r")).not.toBe(turnText("beside", 1, "r"));
  });
});

describe("sampleProblem", () => {
  it.each([
    { case: "measured alone", s: sample("alone", 0, 90), want: null },
    { case: "measured beside", s: sample("beside", 0, 95), want: null },
    { case: "run failed", s: sample("alone", 0, 90, { error: "busy: x" }), want: "run failed: busy: x" },
    { case: "no model request", s: sample("beside", 0, null), want: "no model request" },
    { case: "long run over first", s: sample("beside", 0, 95, { longRunLive: false }), want: "the long run had ended before the model was asked" },
  ])("$case", ({ s, want }) => {
    expect(sampleProblem(s)).toBe(want);
  });
});

describe("the second-conversation figures", () => {
  const samples = [sample("alone", 0, 100), sample("beside", 0, 104), sample("beside", 1, 130), sample("alone", 1, 110), sample("alone", 2, 90), sample("beside", 2, null)];

  it("pairs each round's two samples, leaving out a round with a sample set aside", () => {
    expect(pairedDifferences(samples)).toEqual([4, 20]);
  });
  it("judges the p50 difference against 10 ms and counts what was set aside", () => {
    const [diff, beside, alone, aside] = secondConversationFigures(samples);
    expect(alone?.value).toBe(100);
    expect(beside?.value).toBe(117);
    expect(diff).toMatchObject({ value: 17, target: "≤ 10 ms", pass: false });
    expect(aside).toMatchObject({ value: 1, pass: false });
  });
  it("passes within 10 ms and is not judged without samples", () => {
    expect(secondConversationFigures([sample("alone", 0, 100), sample("beside", 0, 108)])[0]).toMatchObject({ value: 8, pass: true });
    expect(secondConversationFigures([])[0]).toMatchObject({ pass: null });
  });
});

describe("the three-at-once figures", () => {
  const round = (r: number, ms: (number | null)[], peakRssMb: number): TripleRound => ({
    round: r,
    runs: ms.map((firstModelMs) => ({ firstModelMs, error: null })),
    peakRssMb,
    peakProcesses: 7,
    idleRssMb: 100,
  });

  it("gives each start position its median over rounds, leaving out runs that never reached the model", () => {
    expect(tripleMedians([round(0, [10, 20, 30], 600), round(1, [12, null, 34], 640), round(2, [14, 24, 32], 620)])).toEqual([12, 22, 32]);
  });
  it("reports the largest peak, and counts the runs that failed", () => {
    const figures = tripleFigures([round(0, [10, 20, 30], 600), round(1, [12, null, 34], 640)]);
    expect(figures.find((f) => f.unit === "MB")?.value).toBe(640);
    expect(figures.at(-1)).toMatchObject({ value: 1, pass: false });
  });
});

describe("the process tree", () => {
  it("reads the parent after a command name with spaces and parentheses", () => {
    expect(parentOf("4242 (node (x) y) S 4200 4242 4242 0 -1")).toBe(4200);
    expect(parentOf("garbage")).toBeNull();
  });
  it("reads VmRSS, and none for a process without memory", () => {
    expect(rssKbOf("Name:\tnode\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n")).toBe(123456);
    expect(rssKbOf("Name:\tzombie\nState:\tZ\n")).toBeNull();
  });
  it("walks every descendant of the root and nothing else", () => {
    const parents = new Map([[1, 0], [10, 1], [11, 10], [12, 10], [13, 12], [20, 1], [21, 20]]);
    expect(treeOf(parents, 10).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
    expect(treeOf(parents, 99)).toEqual([]);
  });
});
