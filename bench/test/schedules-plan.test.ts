import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/commands/commands";
import { validateScheduleSpec } from "../../src/schedules/schedule-validate";
import { atCommand, benchPhone, dueMinuteAfter, dueTimes, loggedPhone, planPhones, scheduleSizes, taskCommands } from "../schedules/plan";

const at = (iso: string) => Date.parse(iso);

describe("dueMinuteAfter", () => {
  it.each([
    { now: "2026-11-22T10:00:10Z", leadMs: 30_000, want: "2026-11-22T10:01:00Z" },
    { now: "2026-11-22T10:00:40Z", leadMs: 30_000, want: "2026-11-22T10:02:00Z" },
    { now: "2026-11-22T10:00:30Z", leadMs: 30_000, want: "2026-11-22T10:01:00Z" },
    { now: "2026-11-22T23:59:35.5Z", leadMs: 20_000, want: "2026-11-23T00:00:00Z" },
  ])("$now + $leadMs ms → $want", ({ now, leadMs, want }) => {
    expect(dueMinuteAfter(at(now), leadMs)).toBe(at(want));
  });
});

describe("atCommand", () => {
  it("writes the due minute as HH:MM in UTC", () => {
    expect(atCommand(at("2026-11-22T07:05:00Z"), "p")).toBe("/schedule at 07:05 p");
  });

  it("refuses a time that is not a whole minute", () => {
    expect(() => atCommand(at("2026-11-22T07:05:01Z"), "p")).toThrow(RangeError);
  });
});

describe("dueTimes", () => {
  it("puts the single user's tasks on the first whole minute past the lead and the spread users' a minute later", () => {
    expect(dueTimes(at("2026-11-22T10:00:10Z"), 45_000)).toEqual({ singleDueAt: at("2026-11-22T10:01:00Z"), spreadDueAt: at("2026-11-22T10:02:00Z") });
  });
});

describe("taskCommands", () => {
  it.each([
    { now: "2026-11-22T10:00:10Z", quick: false },
    // A bare time is its next occurrence: across midnight it is tomorrow's, still the planned minute.
    { now: "2026-11-22T23:58:25Z", quick: true },
  ])("every command the relay parses is a once task due exactly at its planned minute (now $now)", ({ now, quick }) => {
    const sizes = scheduleSizes(quick);
    const phones = planPhones(sizes);
    const due = dueTimes(at(now), sizes.leadMs);
    const lanes = taskCommands(phones, sizes.singleTasks, due);
    expect(lanes).toHaveLength(sizes.spreadUsers + 1);
    expect(lanes.at(-1)!.map((m) => m.phone)).toEqual(Array(sizes.singleTasks).fill(phones.single));
    const nextRun = (text: string) => {
      const command = parseCommand(text);
      if (command?.type !== "schedule_create") throw new Error(`not a create: ${text}`);
      // The relay reads the command moments later, with up to 49 tasks already stored.
      const checked = validateScheduleSpec(command.request, { timeZone: "UTC", now: at(now) + 5_000, existingCount: 49 });
      if (!checked.ok) throw new Error(checked.reason);
      return checked.schedule.nextRunAt;
    };
    expect(new Set(lanes.slice(0, -1).flat().map((m) => nextRun(m.text)))).toEqual(new Set([due.spreadDueAt]));
    expect(new Set(lanes.at(-1)!.map((m) => nextRun(m.text)))).toEqual(new Set([due.singleDueAt]));
    expect(new Set(lanes.flat().map((m) => m.sid)).size).toBe(lanes.flat().length);
  });
});

describe("phones", () => {
  it("are E.164 and refuse an index that would not fit", () => {
    expect(benchPhone(7)).toBe("+15560000007");
    expect(() => benchPhone(10_000)).toThrow(RangeError);
    expect(() => benchPhone(-1)).toThrow(RangeError);
  });

  it("stay apart in the relay's masked logs, for the full-size plan", () => {
    const phones = planPhones(scheduleSizes(false));
    expect(phones.all).toHaveLength(105);
    expect(new Set(phones.all).size).toBe(105);
    expect(new Set(phones.all.map(loggedPhone)).size).toBe(105);
  });
});
