// nextCronRun against croner 11 (the oracle, test/core/cron-oracle.ts): a table of named cases
// with the answer written out as the wall clock the user sees, then properties over random
// expressions, instants of 2000-2100 and zones, and over instants near clock changes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronExpression, instant2000to2100, nearClockChange, zone } from "./cron-arbitraries";
import { CRON_CASES } from "./cron-cases";
import { compareRuns, cronerNext, iso, ourNext } from "./cron-oracle";

const at = (text: string): number => Date.parse(text);

describe("nextCronRun: named cases, as croner", () => {
  it.each(CRON_CASES)("%s", (_what, zone, expr, after, expected) => {
    const want = expected === null ? null : iso(at(expected));
    expect(iso(ourNext(expr, zone, at(after)))).toBe(want);
    expect(iso(cronerNext(expr, zone, at(after)))).toBe(want);
  });

  it.each(CRON_CASES)("%s: the ten runs after it, as croner", (_what, zone, expr, after) => {
    compareRuns(expr, zone, at(after), 10);
  });
});

describe("nextCronRun: properties against croner", () => {
  it("random expressions, instants of 2000-2100 and zones: the same next three runs", () => {
    fc.assert(
      fc.property(cronExpression, zone, instant2000to2100, (expr, timeZone, after) => compareRuns(expr, timeZone, after)),
      { numRuns: 400 },
    );
  }, 60_000);

  it("instants within a day of a clock change: the same next three runs", () => {
    fc.assert(
      fc.property(cronExpression, nearClockChange, (expr, { zone: timeZone, after }) => compareRuns(expr, timeZone, after)),
      { numRuns: 400 },
    );
  }, 60_000);
});
