// The cron evaluator under workerd, whose Intl is the one that prints the wall times it reads:
// the named cases give their written answers, and random expressions croner's runs, as in Node.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronExpression, instant2000to2100, zone } from "../core/cron-arbitraries";
import { CRON_CASES } from "../core/cron-cases";
import { compareRuns, iso, ourNext } from "../core/cron-oracle";

describe("cron under workerd", () => {
  it.each(CRON_CASES)("%s", (_what, zone, expr, after, expected) => {
    expect(iso(ourNext(expr, zone, Date.parse(after)))).toBe(expected === null ? null : iso(Date.parse(expected)));
  });

  it("random expressions, instants and zones: croner's next three runs", () => {
    fc.assert(fc.property(cronExpression, zone, instant2000to2100, (expr, timeZone, after) => compareRuns(expr, timeZone, after)), { numRuns: 200 });
  });
});
