import { describe, expect, it } from "vitest";
import { bootstrapSpread, median, percentile, summarize } from "../lib/stats";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it.each([
    { samples: [5], p: 50, want: 5 },
    { samples: [5], p: 99, want: 5 },
    { samples: [3, 1, 2], p: 50, want: 2 },
    { samples: [1, 2, 3, 4], p: 50, want: 2 },
    { samples: [1, 2, 3, 4], p: 100, want: 4 },
    { samples: hundred, p: 50, want: 50 },
    { samples: hundred, p: 99, want: 99 },
    { samples: [...hundred].reverse(), p: 99, want: 99 },
    { samples: [10, -3, 7], p: 1, want: -3 },
  ])("p$p of $samples.length samples is $want", ({ samples, p, want }) => {
    expect(percentile(samples, p)).toBe(want);
  });

  it("is NaN without samples and refuses p outside (0, 100]", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe("median", () => {
  it.each([
    { samples: [], want: Number.NaN },
    { samples: [4], want: 4 },
    { samples: [9, 1, 5], want: 5 },
    { samples: [1, 2, 3, 10], want: 2.5 },
  ])("of $samples is $want", ({ samples, want }) => {
    expect(median(samples)).toBe(want);
  });

  it("does not reorder its input", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

it("summarize reports count, p50, p99, min and max", () => {
  expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, p50: 2, p99: 4, min: 1, max: 4 });
});

describe("bootstrapSpread", () => {
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  /** Evenly spread values with a known standard deviation: 0..n-1. */
  const spread = (n: number) => Array.from({ length: n }, (_, i) => i);
  const sd = (values: readonly number[]) => Math.sqrt(mean(values.map((v) => (v - mean(values)) ** 2)));

  it("is 0 when every round is the same, and NaN for fewer than two rounds", () => {
    expect(bootstrapSpread([7, 7, 7, 7], median)).toBe(0);
    expect(bootstrapSpread([7], median)).toBeNaN();
    expect(bootstrapSpread([], median)).toBeNaN();
  });

  it("gives the same figure for the same seed, and draws whole rounds", () => {
    const rounds = spread(20).map((i) => ({ a: i, b: i }));
    expect(bootstrapSpread(rounds, (r) => median(r.map((x) => x.a)))).toBe(bootstrapSpread(rounds, (r) => median(r.map((x) => x.a))));
    // A round's two values stay together: their difference is 0 in every resample.
    expect(bootstrapSpread(rounds, (r) => median(r.map((x) => x.a - x.b)))).toBe(0);
  });

  it("matches the textbook spread of a mean (sd / √n)", () => {
    for (const n of [20, 80]) {
      const values = spread(n);
      expect(bootstrapSpread(values, mean, { draws: 4_000 })).toBeCloseTo(sd(values) / Math.sqrt(n), 0);
    }
  });

  it("halves, about, with four times the rounds of the same spread", () => {
    const twenty = spread(20);
    const ratio = bootstrapSpread([...twenty, ...twenty, ...twenty, ...twenty], median, { draws: 4_000 }) / bootstrapSpread(twenty, median, { draws: 4_000 });
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.65);
  });
});
