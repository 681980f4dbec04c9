// Cron under workerd, whose Intl is the one croner reads wall times from there: the named cases
// give their written answers, and random times of day the daylight-saving rule's runs (the
// brute-force oracle of test/core/cron-oracle.ts), as in Node.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextCronRun } from "../../src/schedules/cron";
import { nearClockChange, timeOfDayExpression } from "../core/cron-arbitraries";
import { CRON_CASES } from "../core/cron-cases";
import { compareWithRule, iso } from "../core/cron-oracle";

describe("cron under workerd", () => {
  it.each(CRON_CASES)("%s", (_what, zone, expr, after, expected) => {
    expect(iso(nextCronRun(expr, zone, Date.parse(after)))).toBe(expected === null ? null : iso(Date.parse(expected)));
  });

  it("random times of day near clock changes: the rule's next three runs", () => {
    fc.assert(fc.property(timeOfDayExpression, nearClockChange, (expr, { zone: timeZone, after }) => compareWithRule(expr, timeZone, after)), { numRuns: 150 });
  });
});
