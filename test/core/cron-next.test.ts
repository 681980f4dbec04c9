// nextCronRun (src/schedules/cron.ts, croner inside): a table of named cases with the answer written
// out as the wall clock the user sees, then the daylight-saving rule of docs/schedules.md (the
// brute-force oracle of test/core/cron-oracle.ts) over random times of day, instants of 2000-2100
// and zones, and over instants near clock changes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronExpression, instant2000to2100, nearClockChange, timeOfDayExpression, zone } from "./cron-arbitraries";
import { CRON_CASES } from "./cron-cases";
import { compareWithRule, iso } from "./cron-oracle";
import { nextCronRun } from "../../src/schedules/cron";

const at = (text: string): number => Date.parse(text);
const TIME_OF_DAY_CASES = CRON_CASES.filter(([, , expr]) => / \* \* \*$/.test(expr));

describe("nextCronRun: named cases", () => {
  it.each(CRON_CASES)("%s", (_what, zone, expr, after, expected) => {
    expect(iso(nextCronRun(expr, zone, at(after)))).toBe(expected === null ? null : iso(at(expected)));
  });

  it.each(TIME_OF_DAY_CASES)("%s: the ten runs after it follow the rule", (_what, zone, expr, after) => {
    compareWithRule(expr, zone, at(after), 10);
  });
});

describe("nextCronRun: the daylight-saving rule", () => {
  it("random times of day, instants of 2000-2100 and zones: the rule's next three runs", () => {
    fc.assert(
      fc.property(timeOfDayExpression, zone, instant2000to2100, (expr, timeZone, after) => compareWithRule(expr, timeZone, after)),
      { numRuns: 200 },
    );
  }, 60_000);

  it("instants within a day of a clock change: the rule's next three runs", () => {
    fc.assert(
      fc.property(timeOfDayExpression, nearClockChange, (expr, { zone: timeZone, after }) => compareWithRule(expr, timeZone, after)),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe("nextCronRun: any accepted expression", () => {
  it("runs strictly later each time, on a whole minute or at a clock change", () => {
    fc.assert(
      fc.property(cronExpression, zone, instant2000to2100, (expr, timeZone, start) => {
        let after = start;
        for (let i = 0; i < 3; i++) {
          const next = nextCronRun(expr, timeZone, after);
          if (next === null) return;
          expect(next).toBeGreaterThan(after);
          expect(next % 60_000).toBe(0);
          after = next;
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
