import { describe, expect, it } from "vitest";
import { type CheckpointPathSample, checkpointPathFigures, pairedDifferences, sampleProblem, summarizeSide } from "../checkpoints/path-figures";
import { type CheckpointSide, roundOrder, samplesPerSide, turnText, vmEnvFor } from "../checkpoints/path-plan";

const sample = (side: CheckpointSide, round: number, firstModelMs: number | null, over: Partial<CheckpointPathSample> = {}): CheckpointPathSample => ({
  side,
  round,
  sentAt: 1_800_000_000_000 + round * 10_000,
  webhookStatus: 200,
  webhookMs: 15,
  firstModelMs,
  turnModelMs: firstModelMs,
  toVmMs: firstModelMs === null ? null : 20,
  vmToModelMs: firstModelMs === null ? null : firstModelMs - 20,
  ...over,
});

describe("the plan", () => {
  it("alternates which side goes first, one sample of each per round", () => {
    expect([0, 1, 2, 3].map(roundOrder)).toEqual([["on", "off"], ["off", "on"], ["on", "off"], ["off", "on"]]);
  });
  it("takes at least 10 follow-ups per side, 3 when quick", () => {
    expect(samplesPerSide(false)).toBeGreaterThanOrEqual(10);
    expect(samplesPerSide(true)).toBe(3);
  });
  it("gives each VM its CHECKPOINTS setting and each turn its own text", () => {
    expect([vmEnvFor("on"), vmEnvFor("off")]).toEqual([{ CHECKPOINTS: "on" }, { CHECKPOINTS: "off" }]);
    expect(turnText("on", "sample", 3, "r")).not.toBe(turnText("off", "sample", 3, "r"));
  });
});

describe("sampleProblem", () => {
  it.each([
    { case: "measured", s: sample("on", 0, 70), want: null },
    { case: "webhook refused", s: sample("on", 0, 70, { webhookStatus: 429 }), want: "webhook answered 429" },
    { case: "no model request", s: sample("off", 0, null), want: "no model request" },
  ])("$case", ({ s, want }) => {
    expect(sampleProblem(s)).toBe(want);
  });
});

describe("pairedDifferences", () => {
  it.each([
    { case: "none", samples: [], want: [] },
    { case: "one pair per round, on − off", samples: [sample("on", 0, 80), sample("off", 0, 70), sample("off", 1, 75), sample("on", 1, 72)], want: [10, -3] },
    { case: "a round with a sample set aside has no pair", samples: [sample("on", 0, 80), sample("off", 0, null), sample("on", 1, 90), sample("off", 1, 60)], want: [30] },
  ])("$case", ({ samples, want }) => {
    expect(pairedDifferences(samples)).toEqual(want);
  });
});

describe("checkpointPathFigures", () => {
  const judgedOf = (samples: CheckpointPathSample[]) => checkpointPathFigures(samples).find((f) => f.name.includes("on over off (p50 − p50)") && f.name.startsWith("webhook"))!;

  it.each([
    { case: "within 10 ms", on: [70, 74, 78], off: [66, 68, 90], value: 6, pass: true },
    { case: "exactly 10 ms", on: [80, 80, 80], off: [70, 70, 70], value: 10, pass: true },
    { case: "over by more", on: [170, 209, 240], off: [70, 80, 85], value: 129, pass: false },
    { case: "faster with them on", on: [60, 61, 62], off: [70, 71, 72], value: -10, pass: true },
  ])("the difference of the p50s, judged against ≤ 10 ms: $case", ({ on, off, value, pass }) => {
    const samples = on.flatMap((ms, round) => [sample("on", round, ms), sample("off", round, off[round]!)]);
    expect(judgedOf(samples)).toMatchObject({ value, unit: "ms", target: "≤ 10 ms", pass });
  });

  it("leaves out what was set aside, and counts it against a target of 0", () => {
    const samples = [sample("on", 0, 70), sample("off", 0, 60), sample("on", 1, 5_000, { webhookStatus: 500 }), sample("off", 1, null)];
    const figures = checkpointPathFigures(samples);
    expect(judgedOf(samples)).toMatchObject({ value: 10, pass: true });
    expect(figures.find((f) => f.name.startsWith("samples set aside"))).toMatchObject({ value: 2, pass: false });
    expect(summarizeSide("on", samples)).toMatchObject({ count: 2, valid: 1, p50: 70 });
  });

  it("is not judged without samples on a side", () => {
    expect(judgedOf([sample("on", 0, 70)]).pass).toBeNull();
  });

  it("splits the VM's part from the relay's", () => {
    const samples = [sample("on", 0, 90, { toVmMs: 25, vmToModelMs: 65 }), sample("off", 0, 70, { toVmMs: 20, vmToModelMs: 50 })];
    expect(checkpointPathFigures(samples).find((f) => f.name.startsWith("VM took the run"))).toMatchObject({ value: 15, note: expect.stringContaining("differs by 5 ms") });
  });

  it("flags wrangler reloads", () => {
    expect(checkpointPathFigures([sample("on", 0, 70), sample("off", 0, 60)], 2).find((f) => f.name === "wrangler reloads during the run")).toMatchObject({ value: 2, pass: false });
  });
});
