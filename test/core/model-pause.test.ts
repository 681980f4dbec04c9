// The pause when the model gives no answer: how long, when the user is told, when the work goes on.
import { describe, expect, it } from "vitest";
import { limitName, localTime, type ModelPause, MODEL_RETRY_DELAYS_MS, noticeDueAt, pauseAfter, pausedAt, pauseDueAt, RESET_MARGIN_MS, TELL_UNAVAILABLE_AFTER_MS } from "../../src/usage/model-pause";

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const HOUR = 3_600_000;
const limit = (resetsAt: number | null, name: string | null = "five_hour") => ({ kind: "limit" as const, resetsAt, limit: name });
const outage = { kind: "unavailable" as const };

describe("pauseAfter", () => {
  const cases: Array<{ name: string; prev: ModelPause | null; hold: Parameters<typeof pauseAfter>[1]; expected: Partial<ModelPause> }> = [
    { name: "a limit with its reset: until the reset (and a margin), not told yet", prev: null, hold: limit(NOW + HOUR), expected: { kind: "limit", until: NOW + HOUR + RESET_MARGIN_MS, since: NOW, streak: 1, limit: "five_hour", told: false } },
    { name: "an outage: the first backoff", prev: null, hold: outage, expected: { kind: "unavailable", until: NOW + MODEL_RETRY_DELAYS_MS[0], streak: 1, told: false } },
    {
      name: "an outage again: the next backoff, the streak's start and its telling kept (its end was told: not again)",
      prev: { kind: "unavailable", until: NOW - 1, since: NOW - 300_000, streak: 2, limit: null, told: true, resumedTold: true },
      hold: outage,
      expected: { until: NOW + MODEL_RETRY_DELAYS_MS[2], since: NOW - 300_000, streak: 3, told: true, resumedTold: true },
    },
    {
      name: "an outage told, refused again before its end was told: that end is still owed",
      prev: { kind: "unavailable", until: NOW + 10_000, since: NOW - 300_000, streak: 2, limit: null, told: true, resumedTold: false },
      hold: outage,
      expected: { streak: 3, told: true, resumedTold: false },
    },
    {
      name: "an API key's short reset, refused again: not before the streak's backoff, not news",
      prev: { kind: "limit", until: NOW - 200_000, since: NOW - 400_000, streak: 1, limit: "requests", told: true, resumedTold: true },
      hold: limit(NOW + 1_000, "requests"),
      expected: { kind: "limit", until: NOW + MODEL_RETRY_DELAYS_MS[1], streak: 2, told: true, resumedTold: true },
    },
    {
      name: "a limit after an outage is news",
      prev: { kind: "unavailable", until: NOW - 1, since: NOW - 300_000, streak: 2, limit: null, told: true, resumedTold: true },
      hold: limit(NOW + HOUR),
      expected: { kind: "limit", until: NOW + HOUR + RESET_MARGIN_MS, told: false, resumedTold: false },
    },
    {
      name: "the same limit with a reset much later than the one told is news",
      prev: { kind: "limit", until: NOW - 1, since: NOW - HOUR, streak: 1, limit: "five_hour", told: true, resumedTold: true },
      hold: limit(NOW + HOUR),
      expected: { told: false, resumedTold: false, until: NOW + HOUR + RESET_MARGIN_MS },
    },
    {
      name: "a refusal that names no limit keeps the streak's name",
      prev: { kind: "limit", until: NOW + HOUR, since: NOW - 5_000, streak: 1, limit: "five_hour", told: true, resumedTold: false },
      hold: limit(NOW + HOUR, null),
      expected: { limit: "five_hour", told: true },
    },
    {
      name: "the backoff stops growing at 15 minutes",
      prev: { kind: "unavailable", until: NOW - 1, since: NOW - HOUR, streak: 20, limit: null, told: true, resumedTold: true },
      hold: outage,
      expected: { until: NOW + 900_000, streak: 21 },
    },
    { name: "a limit with no reset (an API key's long retry-after) is waited out as an outage", prev: null, hold: limit(null, null), expected: { kind: "limit", until: NOW + MODEL_RETRY_DELAYS_MS[0], limit: null } },
    { name: "a reset already past is no reset", prev: null, hold: limit(NOW - 1), expected: { until: NOW + MODEL_RETRY_DELAYS_MS[0] } },
    {
      name: "the same limit refused again before its reset: still told",
      prev: { kind: "limit", until: NOW + HOUR + RESET_MARGIN_MS, since: NOW - 5_000, streak: 1, limit: "five_hour", told: true, resumedTold: false },
      hold: limit(NOW + HOUR),
      expected: { told: true, streak: 2, since: NOW - 5_000 },
    },
    {
      name: "a limit with a new reset is news",
      prev: { kind: "limit", until: NOW - 1, since: NOW - HOUR, streak: 1, limit: "five_hour", told: true, resumedTold: true },
      hold: limit(NOW + 2 * HOUR, "seven_day"),
      expected: { told: false, until: NOW + 2 * HOUR + RESET_MARGIN_MS, limit: "seven_day" },
    },
  ];
  for (const c of cases) it(c.name, () => expect(pauseAfter(c.prev, c.hold, NOW)).toMatchObject(c.expected));
});

describe("when the pause has something to do", () => {
  const base: ModelPause = { kind: "limit", until: NOW + HOUR, since: NOW, streak: 1, limit: "five_hour", told: false, resumedTold: false };
  const cases: Array<{ name: string; pause: ModelPause | null; notice: number | null; due: number | null }> = [
    { name: "no pause", pause: null, notice: null, due: null },
    { name: "a limit is told at once", pause: base, notice: NOW, due: NOW },
    { name: "a told limit: its end, to say the work goes on", pause: { ...base, told: true }, notice: null, due: NOW + HOUR },
    { name: "said so: nothing more", pause: { ...base, told: true, resumedTold: true }, notice: null, due: null },
    { name: "an outage is told after a minute", pause: { ...base, kind: "unavailable", until: NOW + 120_000 }, notice: NOW + TELL_UNAVAILABLE_AFTER_MS, due: NOW + TELL_UNAVAILABLE_AFTER_MS },
    { name: "an outage over before a minute is never told, nor its end", pause: { ...base, kind: "unavailable", until: NOW + 30_000 }, notice: NOW + TELL_UNAVAILABLE_AFTER_MS, due: null },
  ];
  for (const c of cases)
    it(c.name, () => {
      if (c.pause) expect(noticeDueAt(c.pause)).toBe(c.notice);
      expect(pauseDueAt(c.pause)).toBe(c.due);
    });

  it("nothing starts before the pause ends; at its end it starts", () => {
    expect(pausedAt(base, NOW + HOUR - 1)).toBe(true);
    expect(pausedAt(base, NOW + HOUR)).toBe(false);
    expect(pausedAt(null, NOW)).toBe(false);
  });
});

describe("the words", () => {
  it.each([
    [NOW + HOUR, "Europe/Paris", "12:00 (Europe/Paris)"],
    [NOW + HOUR, "UTC", "11:00 (UTC)"],
    [NOW + 20 * HOUR, "UTC", "2026-11-26 06:00 (UTC)"],
    [NOW + 15 * HOUR, "America/New_York", "20:00 (America/New_York)"],
  ])("a reset at %s in %s reads %s", (at, zone, text) => expect(localTime(at, NOW, zone)).toBe(text));

  it.each([
    ["five_hour", "its 5-hour limit"],
    ["seven_day", "its weekly limit"],
    ["opus_daily", "its opus daily limit"],
    ["requests", "its request rate limit"],
    ["input_tokens", "its input-token rate limit"],
    [null, "its usage limit"],
  ])("%s is %s", (name, text) => expect(limitName(name)).toBe(text));
});
