import { describe, expect, it } from "vitest";
import {
  MAX_PROMPT_LENGTH,
  MAX_SCHEDULES_PER_USER,
  parseScheduleId,
  parseScheduleRequest,
  validateScheduleSpec,
  validateTimeZone,
  type NewSchedule,
  type ScheduleRequest,
} from "../../src/schedules/schedule-validate";

const at = (iso: string): number => Date.parse(iso);
// Wednesday 13 May 2026, 15:30 in London.
const now = at("2026-05-13T14:30:00Z");
const context = { timeZone: "Europe/London", now, existingCount: 3 };
const HOUR = 3_600_000;

describe("validateScheduleSpec accepts", () => {
  it.each<[string, ScheduleRequest, NewSchedule]>([
    [
      "a weekday cron, first run in the user's zone",
      { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "fresh" },
      { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "standup", context: "fresh", nextRunAt: at("2026-05-14T09:00:00+01:00") },
    ],
    [
      "a cron with extra spaces, normalised",
      { kind: "cron", expr: "  0   9 *  * 1-5 ", prompt: "standup", context: "chat" },
      { spec: { kind: "cron", expr: "0 9 * * 1-5" }, prompt: "standup", context: "chat", nextRunAt: at("2026-05-14T09:00:00+01:00") },
    ],
    [
      "an interval anchored one step from now",
      { kind: "every", every: "2h", prompt: "check the build", context: "fresh" },
      { spec: { kind: "interval", everyMs: 2 * HOUR, anchorAt: now + 2 * HOUR }, prompt: "check the build", context: "fresh", nextRunAt: now + 2 * HOUR },
    ],
    [
      "the minimum interval",
      { kind: "every", every: "1m", prompt: "ping", context: "fresh" },
      { spec: { kind: "interval", everyMs: 60_000, anchorAt: now + 60_000 }, prompt: "ping", context: "fresh", nextRunAt: now + 60_000 },
    ],
    [
      "a once time, prompt trimmed",
      { kind: "at", at: "today 17:00", prompt: "  push the branch \n", context: "fresh" },
      { spec: { kind: "once", at: at("2026-05-13T17:00:00+01:00") }, prompt: "push the branch", context: "fresh", nextRunAt: at("2026-05-13T17:00:00+01:00") },
    ],
  ])("%s", (_what, request, expected) => {
    expect(validateScheduleSpec(request, context)).toEqual({ ok: true, schedule: expected });
  });

  it("allows the 50th task and a prompt of exactly the cap, counting an emoji once", () => {
    const prompt = "🙂".repeat(MAX_PROMPT_LENGTH);
    const result = validateScheduleSpec({ kind: "every", every: "1d", prompt, context: "fresh" }, { ...context, existingCount: MAX_SCHEDULES_PER_USER - 1 });
    expect(result.ok).toBe(true);
  });
});

describe("validateScheduleSpec refuses with one line", () => {
  const base = { prompt: "do it", context: "fresh" as const };
  it.each<[string, ScheduleRequest, number, RegExp]>([
    ["a cron with 4 fields", { kind: "cron", expr: "0 9 * *", ...base }, 0, /^Invalid cron "0 9 \* \*": it needs 5 fields/],
    ["a cron with seconds", { kind: "cron", expr: "0 0 9 * * *", ...base }, 0, /it needs 5 fields/],
    ["a cron minute out of range", { kind: "cron", expr: "61 9 * * *", ...base }, 0, /^Invalid cron "61 9 \* \* \*": Invalid value for minute: 61$/],
    ["cron garbage", { kind: "cron", expr: "a b c d e", ...base }, 0, /^Invalid cron/],
    ["a cron that never runs", { kind: "cron", expr: "0 9 30 2 *", ...base }, 0, /never runs/],
    ["zero interval", { kind: "every", every: "0m", ...base }, 0, /^The interval must be more than zero\.$/],
    ["negative interval", { kind: "every", every: "-5m", ...base }, 0, /^The interval must be positive, not -5m\.$/],
    ["30 s interval", { kind: "every", every: "30s", ...base }, 0, /^The interval must be at least 1m\.$/],
    ["2 years interval", { kind: "every", every: "730d", ...base }, 0, /^The interval must be at most 365d\.$/],
    ["unknown interval", { kind: "every", every: "soon", ...base }, 0, /^Unknown interval "soon"/],
    ["a time in the past", { kind: "at", at: "today 9:00", ...base }, 0, /is in the past/],
    ["an unreadable time", { kind: "at", at: "whenever", ...base }, 0, /^Unknown time "whenever"/],
    ["an empty prompt", { kind: "every", every: "1h", prompt: "   ", context: "fresh" }, 0, /^The task needs a prompt/],
    ["a prompt one over the cap", { kind: "every", every: "1h", prompt: "x".repeat(MAX_PROMPT_LENGTH + 1), context: "fresh" }, 0, /^The prompt is too long: 2001 characters, at most 2000\.$/],
    ["the 51st task", { kind: "every", every: "1h", ...base }, MAX_SCHEDULES_PER_USER, /^You already have 50 tasks/],
  ])("%s", (_what, request, existingCount, reason) => {
    const result = validateScheduleSpec(request, { ...context, existingCount });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(reason);
      expect(result.reason).not.toContain("\n");
    }
  });
});

describe("parseScheduleRequest (the agent's tool arguments)", () => {
  it("defaults the context to a fresh session", () => {
    expect(parseScheduleRequest({ kind: "every", every: "2h", prompt: "x" })).toEqual({
      ok: true,
      request: { kind: "every", every: "2h", prompt: "x", context: "fresh" },
    });
  });
  it.each([
    [{ kind: "weekly", prompt: "x" }, /^Bad task arguments: kind: /],
    [{ kind: "cron", prompt: "x" }, /^Bad task arguments: expr: /],
    [{ kind: "at", at: "17:00", prompt: "x", context: "shared" }, /^Bad task arguments: context: /],
    [null, /^Bad task arguments: input: /],
  ])("refuses %j", (input, reason) => {
    const result = parseScheduleRequest(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("validateTimeZone", () => {
  it.each([
    ["Europe/London", { ok: true, timeZone: "Europe/London" }],
    ["america/new_york", { ok: true, timeZone: "America/New_York" }],
    ["Asia/Kolkata", { ok: true, timeZone: "Asia/Kolkata" }],
  ])("%s", (input, expected) => {
    expect(validateTimeZone(input)).toEqual(expected);
  });
  it("refuses an unknown zone in one line", () => {
    expect(validateTimeZone("Mars/Olympus")).toEqual({
      ok: false,
      reason: 'Unknown time zone "Mars/Olympus". Use an IANA name like Europe/London or America/New_York.',
    });
  });
});

describe("parseScheduleId", () => {
  it.each([
    ["3", 3],
    ["#3", 3],
    [" 42 ", 42],
    ["0", null],
    ["-1", null],
    ["1.5", null],
    ["abc", null],
    ["", null],
    ["99999999999", null],
    ["2147483648", null],
  ])("%j → %j", (text, expected) => {
    expect(parseScheduleId(text)).toBe(expected);
  });
});
