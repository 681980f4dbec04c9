// One daylight-saving rule for the two ways a task names a wall time (docs/schedules.md): a
// one-off ("/schedule at 2026-03-08 02:30") and a cron time ("30 2 8 3 *") give the same instant.
// A time the clock skips runs when the clock jumps; a time it passes twice runs at the first pass.
import { describe, expect, it } from "vitest";
import { nextRunAt } from "../../src/schedules/schedule-math";
import { resolveWhen } from "../../src/schedules/schedule-when";

// [what, zone, local date, local time, expected instant written with the offset the user's clock shows]
// LA: 02:00 → 03:00 on 8 March 2026, 02:00 → 01:00 on 1 November. London: 01:00 → 02:00 on
// 29 March, 02:00 → 01:00 on 25 October. Sydney: 02:00 → 03:00 on 4 October, 03:00 → 02:00 on
// 5 April. Lord Howe: 02:00 → 02:30 on 4 October, 02:00 → 01:30 on 5 April. Chatham (+13:45 in
// summer): 03:45 → 02:45 on 5 April. Santiago:
// 24:00 → 01:00 on 6 September, 24:00 → 23:00 on 4 April.
const CASES: Array<[string, string, string, string, string]> = [
  ["an ordinary day", "America/Los_Angeles", "2026-03-09", "02:30", "2026-03-09T02:30:00-07:00"],
  ["LA: 02:30 skipped, runs at the jump", "America/Los_Angeles", "2026-03-08", "02:30", "2026-03-08T03:00:00-07:00"],
  ["LA: 02:00 skipped, the gap's first minute", "America/Los_Angeles", "2026-03-08", "02:00", "2026-03-08T03:00:00-07:00"],
  ["LA: 03:00 exists, the same instant", "America/Los_Angeles", "2026-03-08", "03:00", "2026-03-08T03:00:00-07:00"],
  ["LA: 01:30 repeated, the first pass (PDT)", "America/Los_Angeles", "2026-11-01", "01:30", "2026-11-01T01:30:00-07:00"],
  ["London: 01:30 skipped", "Europe/London", "2026-03-29", "01:30", "2026-03-29T02:00:00+01:00"],
  ["London: 01:15 repeated, the first pass (BST)", "Europe/London", "2026-10-25", "01:15", "2026-10-25T01:15:00+01:00"],
  ["Sydney: 02:30 skipped", "Australia/Sydney", "2026-10-04", "02:30", "2026-10-04T03:00:00+11:00"],
  ["Sydney: 02:30 repeated, the first pass (AEDT)", "Australia/Sydney", "2026-04-05", "02:30", "2026-04-05T02:30:00+11:00"],
  ["Lord Howe: 02:15 skipped by a 30-minute jump", "Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-04T02:30:00+11:00"],
  ["Lord Howe: 01:45 repeated, the first pass", "Australia/Lord_Howe", "2026-04-05", "01:45", "2026-04-05T01:45:00+11:00"],
  ["Chatham (+13:45): 02:00, before the repeated 02:45-03:45", "Pacific/Chatham", "2026-04-05", "02:00", "2026-04-05T02:00:00+13:45"],
  ["Chatham: 03:00 repeated, the first pass", "Pacific/Chatham", "2026-04-05", "03:00", "2026-04-05T03:00:00+13:45"],
  ["Santiago: 00:30 skipped at midnight", "America/Santiago", "2026-09-06", "00:30", "2026-09-06T01:00:00-03:00"],
  ["Santiago: 23:30 repeated, the first pass", "America/Santiago", "2026-04-04", "23:30", "2026-04-04T23:30:00-03:00"],
];

describe("one daylight-saving rule for one-off and cron times", () => {
  it.each(CASES)("%s", (_what, zone, date, time, expected) => {
    const want = Date.parse(expected);
    const now = Date.parse(`${date}T12:00:00Z`) - 86_400_000;
    const [year, month, day] = date.split("-").map(Number);
    const [hour, minute] = time.split(":").map(Number);
    expect(resolveWhen(`${date} ${time}`, zone, now)).toEqual({ ok: true, at: want });
    expect(nextRunAt({ kind: "cron", expr: `${minute} ${hour} ${day} ${month} *` }, zone, now)).toBe(want);
    expect(year).toBe(new Date(want).getUTCFullYear());
  });
});
