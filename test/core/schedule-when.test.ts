import { describe, expect, it } from "vitest";
import { resolveWhen, takeWhen } from "../../src/schedules/schedule-when";

const at = (iso: string): number => Date.parse(iso);
// Wednesday 13 May 2026, 15:30 in London (BST, +01:00).
const now = at("2026-05-13T14:30:00Z");

describe("takeWhen", () => {
  it.each([
    ["tomorrow 9:00 stand-up", { when: "tomorrow 9:00", rest: "stand-up" }],
    ["TOMORROW 9:00 stand-up", { when: "TOMORROW 9:00", rest: "stand-up" }],
    ["  today   17:00   push the branch ", { when: "today   17:00", rest: "push the branch" }],
    ["2026-12-01 09:00 report", { when: "2026-12-01 09:00", rest: "report" }],
    ["2026-12-01T09:00 report", { when: "2026-12-01T09:00", rest: "report" }],
    ["17:00 --in-chat push", { when: "17:00", rest: "--in-chat push" }],
    ["5pm push", { when: "5pm", rest: "push" }],
    ["9:30 am push", { when: "9:30 am", rest: "push" }],
    ["9:00", { when: "9:00", rest: "" }],
    ["9 pushups", null],
    ["9 amazing things", null],
    ["2026-12-01 push", null],
    ["tomorrow push", null],
    ["noon push", null],
    ["17:00push", null],
  ])("%j", (text, expected) => {
    expect(takeWhen(text)).toEqual(expected);
  });
});

describe("resolveWhen", () => {
  it.each([
    ["ISO date and time", "2026-12-01 09:00", "Europe/London", "2026-12-01T09:00:00Z"],
    ["ISO with T", "2026-12-01T09:00", "Europe/London", "2026-12-01T09:00:00Z"],
    ["tomorrow", "tomorrow 9:00", "Europe/London", "2026-05-14T09:00:00+01:00"],
    ["today, later", "today 17:00", "Europe/London", "2026-05-13T17:00:00+01:00"],
    ["bare time still ahead today", "17:00", "Europe/London", "2026-05-13T17:00:00+01:00"],
    ["bare time already past: tomorrow", "15:00", "Europe/London", "2026-05-14T15:00:00+01:00"],
    ["bare time equal to now: tomorrow", "15:30", "Europe/London", "2026-05-14T15:30:00+01:00"],
    ["5pm", "5pm", "Europe/London", "2026-05-13T17:00:00+01:00"],
    ["12am is midnight", "12am", "Europe/London", "2026-05-14T00:00:00+01:00"],
    ["12pm is noon (past: tomorrow)", "12pm", "Europe/London", "2026-05-14T12:00:00+01:00"],
    ["9:30 am", "9:30 am", "Europe/London", "2026-05-14T09:30:00+01:00"],
    ["a date in the zone", "2026-05-14 06:00", "America/Los_Angeles", "2026-05-14T06:00:00-07:00"],
  ])("%s", (_what, when, zone, expected) => {
    expect(resolveWhen(when, zone, now)).toEqual({ ok: true, at: at(expected) });
  });

  it("reads today as the zone's today: at 20:00 UTC Kolkata is already on the 14th", () => {
    const lateUtc = at("2026-05-13T20:00:00Z");
    expect(resolveWhen("today 9:00", "Asia/Kolkata", lateUtc)).toEqual({ ok: true, at: at("2026-05-14T09:00:00+05:30") });
    expect(resolveWhen("today 9:00", "Europe/London", lateUtc).ok).toBe(false);
  });

  it("runs a time skipped by spring-forward when the clock jumps, as cron does", () => {
    const evening = at("2026-03-07T20:00:00-08:00");
    expect(resolveWhen("tomorrow 2:30", "America/Los_Angeles", evening)).toEqual({ ok: true, at: at("2026-03-08T03:00:00-07:00") });
  });

  it("takes the first of a time repeated by fall-back", () => {
    const evening = at("2026-10-31T20:00:00-07:00");
    expect(resolveWhen("tomorrow 1:30", "America/Los_Angeles", evening)).toEqual({ ok: true, at: at("2026-11-01T01:30:00-07:00") });
  });

  it.each([
    ["today, earlier", "today 9:00", /^today 9:00 is in the past: it is now Wed 13 May 15:30 in Europe\/London\.$/],
    ["a minute ago", "2026-05-13 15:29", /is in the past/],
    ["last year", "2025-12-01 09:00", /is in the past/],
    ["29 February in a common year", "2026-02-29 09:00", /^There is no date 2026-02-29\.$/],
    ["month 13", "2026-13-01 09:00", /no date/],
    ["hour 25", "25:00", /^Unknown time "25:00"\. Use forms like/],
    ["minute 60", "9:60", /Unknown time/],
    ["13pm", "13pm", /Unknown time/],
    ["0am", "0am", /Unknown time/],
    ["bare number", "9", /Unknown time/],
    ["a word", "soon", /Unknown time/],
    ["trailing text", "17:00 and then", /Unknown time/],
    ["empty", "", /Unknown time/],
  ])("refuses %s", (_what, when, reason) => {
    const result = resolveWhen(when, "Europe/London", now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
