// The one clock of a unit's step (shared/step-time.ts): the caller's `now`, moved on by the
// real time an await took, so nothing a step writes is dated before its present or stands still.
import { describe, expect, it } from "vitest";
import { stepTime } from "../../src/shared/step-time";

describe("stepTime", () => {
  it.each([
    { name: "the clock agrees with now", now: 1_000, clockAtStart: 1_000, clockLater: 16_000, expected: 16_000 },
    { name: "an alarm's now ahead of the clock (it never fires early)", now: 60_000, clockAtStart: 1_000, clockLater: 16_000, expected: 75_000 },
    { name: "now behind the clock (read before an earlier await)", now: 1_000, clockAtStart: 5_000, clockLater: 6_000, expected: 2_000 },
    { name: "a clock set back meanwhile", now: 1_000, clockAtStart: 9_000, clockLater: 4_000, expected: 1_000 },
  ])("$name: $expected", ({ now, clockAtStart, clockLater, expected }) => {
    let clock = clockAtStart;
    const present = stepTime(now, () => clock);
    expect(present()).toBe(now);
    clock = clockLater;
    expect(present()).toBe(expected);
  });
});
