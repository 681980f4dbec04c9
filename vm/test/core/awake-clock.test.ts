import { describe, expect, it } from "vitest";
import { advance, AWAKE_CLOCK, startedClock, type AwakeClock } from "../../src/core/awake-clock";

/** The clock after these monotonic samples, from a fresh start. */
const sampled = (readings: number[], options = AWAKE_CLOCK): AwakeClock => readings.reduce((clock, at) => advance(clock, at, options), startedClock());

describe("advance", () => {
  const cases: Array<[string, number[], Omit<AwakeClock, "sampledAt">]> = [
    ["the first sample counts no time, wherever the monotonic clock starts", [123_456], { awakeMs: 0, frozenMs: 0, freezes: 0 }],
    ["normal ticks count in full", [5_000, 6_000, 7_000, 8_000], { awakeMs: 3_000, frozenMs: 0, freezes: 0 }],
    ["samples between ticks (a read by a request) count in full", [0, 250, 1_000, 1_900], { awakeMs: 1_900, frozenMs: 0, freezes: 0 }],
    ["a late tick within the slack (a stalled loop) counts in full", [0, 6_000], { awakeMs: 6_000, frozenMs: 0, freezes: 0 }],
    ["just past the slack is a freeze: one tick counted", [0, 6_001], { awakeMs: 1_000, frozenMs: 5_001, freezes: 1 }],
    ["one long gap (a night suspended) counts as one tick", [0, 1_000, 8 * 3_600_000 + 1_000, 8 * 3_600_000 + 2_000], { awakeMs: 3_000, frozenMs: 8 * 3_600_000 - 1_000, freezes: 1 }],
    ["two freezes add up", [0, 10_000, 11_000, 31_000], { awakeMs: 3_000, frozenMs: 9_000 + 19_000, freezes: 2 }],
    ["a reading behind the last counts no time", [0, 1_000, 400], { awakeMs: 1_000, frozenMs: 0, freezes: 0 }],
    ["after a reading behind, the clock goes on from it", [0, 1_000, 400, 1_400], { awakeMs: 2_000, frozenMs: 0, freezes: 0 }],
    ["the same reading twice counts nothing", [0, 700, 700], { awakeMs: 700, frozenMs: 0, freezes: 0 }],
  ];
  for (const [name, readings, expected] of cases) it(name, () => expect(sampled(readings)).toMatchObject(expected));

  it("remembers the last reading", () => {
    expect(sampled([0, 1_000, 50_000]).sampledAt).toBe(50_000);
    expect(sampled([0, 1_000, 400]).sampledAt).toBe(400);
  });

  it("takes its tick and slack from the options", () => {
    const options = { tickMs: 100, slackMs: 200 };
    expect(sampled([0, 300], options)).toMatchObject({ awakeMs: 300, freezes: 0 });
    expect(sampled([0, 301], options)).toMatchObject({ awakeMs: 100, frozenMs: 201, freezes: 1 });
  });

  it("does not change the clock it is given", () => {
    const clock = sampled([0, 1_000]);
    advance(clock, 2_000);
    expect(clock).toEqual({ awakeMs: 1_000, sampledAt: 1_000, frozenMs: 0, freezes: 0 });
  });
});
