import { describe, expect, it } from "vitest";
import { median, percentile, summarize } from "../lib/stats";

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
