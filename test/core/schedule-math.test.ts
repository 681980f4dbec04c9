import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronSyntaxError } from "../../src/schedules/cron";
import { nextRunAt, type ScheduleSpec } from "../../src/schedules/schedule-math";
import { instantOf, wallClockAsUtc, wallClockIn } from "../../src/schedules/schedule-zone";

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad fixture ${iso}`);
  return ms;
};
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

// Expected instants are written with the zone's offset on that day, so each row reads as the
// wall clock the user sees. LA: DST from 2026-03-08 02:00 to 2026-11-01 02:00. London: BST
// from 2026-03-29 01:00 GMT to 2026-10-25 02:00 BST. Kolkata: +05:30 all year.
const cronCases: Array<[string, string, string, string, string | null]> = [
  // [what, zone, expr, after, expected]
  ["LA spring forward: daily 02:30 runs at 03:00 on the skipped day", "America/Los_Angeles", "30 2 * * *", "2026-03-07T03:00:00-08:00", "2026-03-08T03:00:00-07:00"],
  ["LA spring forward: and at 02:30 again the day after", "America/Los_Angeles", "30 2 * * *", "2026-03-08T03:00:00-07:00", "2026-03-09T02:30:00-07:00"],
  ["LA spring forward: 09:00 keeps its wall time", "America/Los_Angeles", "0 9 * * *", "2026-03-07T09:00:00-08:00", "2026-03-08T09:00:00-07:00"],
  ["LA spring forward: */30 skips the missing hour", "America/Los_Angeles", "*/30 * * * *", "2026-03-08T01:45:00-08:00", "2026-03-08T03:00:00-07:00"],
  ["LA fall back: daily 01:30 runs at the first 01:30", "America/Los_Angeles", "30 1 * * *", "2026-10-31T12:00:00-07:00", "2026-11-01T01:30:00-07:00"],
  ["LA fall back: and not at the second 01:30", "America/Los_Angeles", "30 1 * * *", "2026-11-01T01:30:00-07:00", "2026-11-02T01:30:00-08:00"],
  ["LA fall back: a list of fixed hours runs 01:00 once", "America/Los_Angeles", "0 1,13 * * *", "2026-11-01T01:00:00-07:00", "2026-11-01T13:00:00-08:00"],
  ["LA fall back: */30 runs through the repeated hour", "America/Los_Angeles", "*/30 * * * *", "2026-11-01T01:30:00-07:00", "2026-11-01T01:00:00-08:00"],
  ["London spring forward: 01:30 runs at 02:00 BST", "Europe/London", "30 1 * * *", "2026-03-28T02:00:00Z", "2026-03-29T02:00:00+01:00"],
  ["London spring forward: then 01:30 BST", "Europe/London", "30 1 * * *", "2026-03-29T02:00:00+01:00", "2026-03-30T01:30:00+01:00"],
  ["London: weekdays 09:00 from GMT Friday to BST Monday", "Europe/London", "0 9 * * 1-5", "2026-03-27T09:00:00Z", "2026-03-30T09:00:00+01:00"],
  ["London fall back: 01:30 first occurrence", "Europe/London", "30 1 * * *", "2026-10-24T12:00:00Z", "2026-10-25T01:30:00+01:00"],
  ["London fall back: not the second 01:30 GMT", "Europe/London", "30 1 * * *", "2026-10-25T01:30:00+01:00", "2026-10-26T01:30:00Z"],
  ["Kolkata: 09:00 IST is 03:30 UTC", "Asia/Kolkata", "0 9 * * *", "2026-06-01T00:00:00Z", "2026-06-01T09:00:00+05:30"],
  ["Kolkata: strictly after, equal time moves a day", "Asia/Kolkata", "30 0 * * *", "2026-06-02T00:30:00+05:30", "2026-06-03T00:30:00+05:30"],
  ["Kolkata: 1 ms before is still that run", "Asia/Kolkata", "30 0 * * *", "2026-06-02T00:29:59.999+05:30", "2026-06-02T00:30:00+05:30"],
  ["month ends: day 31 skips February and April", "Europe/London", "0 9 31 * *", "2026-01-31T09:00:00Z", "2026-03-31T09:00:00+01:00"],
  ["month ends: day 31 after March is May", "Europe/London", "0 9 31 * *", "2026-03-31T09:00:00+01:00", "2026-05-31T09:00:00+01:00"],
  ["month ends: L is the last day of February", "UTC", "0 9 L * *", "2026-02-01T00:00:00Z", "2026-02-28T09:00:00Z"],
  ["29 February waits for the next leap year", "America/Los_Angeles", "0 9 29 2 *", "2026-03-01T00:00:00-08:00", "2028-02-29T09:00:00-08:00"],
  ["29 February from inside a leap year", "UTC", "0 9 29 2 *", "2028-01-15T00:00:00Z", "2028-02-29T09:00:00Z"],
  ["30 February never comes", "UTC", "0 9 30 2 *", "2026-01-01T00:00:00Z", null],
  ["month and weekday names", "UTC", "0 8 * JAN MON", "2027-01-01T00:00:00Z", "2027-01-04T08:00:00Z"],
];

describe("nextRunAt: cron in a time zone", () => {
  it.each(cronCases)("%s", (_what, zone, expr, after, expected) => {
    expect(iso(nextRunAt({ kind: "cron", expr }, zone, at(after)))).toBe(expected === null ? null : iso(at(expected)));
  });
});

describe("nextRunAt: independent of the machine's time zone (zones are read through Intl)", () => {
  it("gives the same answers under TZ=Pacific/Auckland as under TZ=UTC", () => {
    const original = process.env.TZ;
    const answers = (tz: string) => {
      process.env.TZ = tz;
      return cronCases.map(([, zone, expr, after]) => nextRunAt({ kind: "cron", expr }, zone, at(after)));
    };
    try {
      const underUtc = answers("UTC");
      expect(new Date(Date.UTC(2026, 0, 1)).getHours()).toBe(0);
      const underAuckland = answers("Pacific/Auckland");
      // The machine zone did change (Auckland is +13:00 on 1 January), and nothing followed it.
      expect(new Date(Date.UTC(2026, 0, 1)).getHours()).toBe(13);
      expect(underAuckland).toEqual(underUtc);
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe("nextRunAt: interval on its anchor grid", () => {
  const anchorAt = at("2026-05-01T10:00:00Z");
  const everyMs = 2 * 3_600_000;
  const spec: ScheduleSpec = { kind: "interval", everyMs, anchorAt };
  it.each([
    ["before the first run: the first run", anchorAt - 5 * 60_000, anchorAt],
    ["at the first run: the next slot", anchorAt, anchorAt + everyMs],
    ["1 ms before a slot: that slot", anchorAt + everyMs - 1, anchorAt + everyMs],
    ["30 days and 5 min of downtime: one next slot on the grid", anchorAt + 30 * 86_400_000 + 5 * 60_000, anchorAt + 361 * everyMs],
    ["a year of downtime: still one slot on the grid", anchorAt + 365 * 86_400_000 + 1, anchorAt + (365 * 12 + 1) * everyMs],
  ])("%s", (_what, after, expected) => {
    expect(nextRunAt(spec, "Europe/London", after)).toBe(expected);
  });

  it("ignores the zone: an interval is real elapsed time across DST", () => {
    const night: ScheduleSpec = { kind: "interval", everyMs: 3_600_000, anchorAt: at("2026-03-08T00:00:00-08:00") };
    const after = at("2026-03-08T01:30:00-08:00");
    expect(nextRunAt(night, "America/Los_Angeles", after)).toBe(at("2026-03-08T03:00:00-07:00"));
  });
});

describe("nextRunAt: once", () => {
  const when = at("2026-12-01T09:00:00Z");
  it.each([
    ["before it: the time", when - 1, when],
    ["at it: done", when, null],
    ["after it: done", when + 60_000, null],
  ])("%s", (_what, after, expected) => {
    expect(nextRunAt({ kind: "once", at: when }, "UTC", after)).toBe(expected);
  });
});

describe("cronSyntaxError", () => {
  it.each([
    ["0 9 * * 1-5", null],
    ["*/15 8-18 * * MON-FRI", null],
    ["0 9 * *", /five, six, or seven/],
    ["0 9 * * 1-5 2026", /exactly 5 parts/],
    ["61 * * * *", /minute: 61/],
    ["0 25 * * *", /hour: 25/],
    ["0 9 * * 1-5;", /illegal characters/],
  ])("%s", (expr, expected) => {
    const error = cronSyntaxError(expr);
    if (expected === null) expect(error).toBeNull();
    else expect(error).toMatch(expected);
  });
});

// Zones with every kind of offset: DST north and south, half-hour and 45-minute offsets, a
// 30-minute DST shift (Lord Howe), and none at all.
const zones = [
  "UTC", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Sydney",
  "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu", "America/Sao_Paulo",
];
const zoneArb = fc.constantFrom(...zones);
const afterArb = fc.integer({ min: at("2000-01-01T00:00:00Z"), max: at("2040-01-01T00:00:00Z") });
// Starts a few weeks before the months in which the zones above change their clocks, so that
// 40 consecutive days cross a transition in most runs.
const transitionSeasonArb = fc
  .record({ year: fc.integer({ min: 2000, max: 2039 }), month: fc.constantFrom(2, 3, 8, 9, 10), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => Date.UTC(year, month - 1, day));
const cronArb = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 59 }).map(String), fc.constantFrom("*/15", "*/7", "0,30", "5-10")),
    fc.oneof(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom("*", "*/3", "1-3", "2,14")),
    fc.constantFrom("*", "1", "15", "31", "L", "1-7"),
    fc.constantFrom("*", "2", "*/2", "3,10"),
    fc.constantFrom("*", "1-5", "0", "6", "SUN"),
  )
  .map((fields): ScheduleSpec => ({ kind: "cron", expr: fields.join(" ") }));
const specArb = fc.oneof(
  cronArb,
  fc
    .record({ everyMs: fc.integer({ min: 1, max: 60 * 24 * 14 }).map((m) => m * 60_000), anchorAt: afterArb })
    .map((r): ScheduleSpec => ({ kind: "interval", ...r })),
  afterArb.map((when): ScheduleSpec => ({ kind: "once", at: when })),
);

describe("nextRunAt properties", () => {
  it("iterating gives strictly increasing times", () => {
    fc.assert(
      fc.property(specArb, zoneArb, afterArb, (spec, zone, start) => {
        let after = start;
        for (let i = 0; i < 12; i++) {
          const next = nextRunAt(spec, zone, after);
          if (next === null) return;
          expect(next).toBeGreaterThan(after);
          after = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a fixed daily time runs exactly once on every local day, where a one-off at that time would", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        zoneArb,
        transitionSeasonArb,
        (hour, minute, zone, start) => {
          const spec: ScheduleSpec = { kind: "cron", expr: `${minute} ${hour} * * *` };
          let previousDay: number | null = null;
          let after = start;
          for (let i = 0; i < 40; i++) {
            const next = nextRunAt(spec, zone, after);
            if (next === null) throw new Error("a daily job always has a next run");
            const wall = wallClockIn(next, zone);
            const day = wallClockAsUtc({ ...wall, hour: 0, minute: 0 });
            if (previousDay !== null) expect(day - previousDay).toBe(86_400_000);
            // One daylight-saving rule: the run is the instant a one-off at that day's hour:minute
            // names (the first pass of a repeated time, the clock's jump over a skipped one).
            const asked = { ...wall, hour, minute };
            expect(next).toBe(instantOf(asked, zone));
            if (wall.hour !== hour || wall.minute !== minute) expect(wallClockIn(instantOf(asked, zone), zone)).not.toEqual(asked);
            previousDay = day;
            after = next;
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("an interval's next run is on its grid and less than one step after `after`", () => {
    fc.assert(
      fc.property(specArb.filter((s) => s.kind === "interval"), afterArb, (spec, after) => {
        if (spec.kind !== "interval") return;
        const next = nextRunAt(spec, "UTC", after);
        if (next === null) throw new Error("an interval always has a next run");
        expect((next - spec.anchorAt) % spec.everyMs).toBe(0);
        expect(next - after).toBeLessThanOrEqual(Math.max(spec.everyMs, spec.anchorAt - after));
      }),
    );
  });
});
