import { describe, expect, it } from "vitest";
import { agentTimeMs, DEFAULT_PROGRESS_PACING as pacing, nextProgressAt, progressUpdateText } from "../../src/runs/progress-update";

const MIN = 60_000;

describe("nextProgressAt", () => {
  it.each([
    // [what, runStartedAt, lastAt, knownSince, expected]
    ["the first update: a minute after the run started", 0, null, 0, 1 * MIN],
    ["then two minutes after the last", 0, 1 * MIN, 0, 3 * MIN],
    ["a late last update sets the pace", 0, 5.5 * MIN, 0, 7.5 * MIN],
    ["an instance that took over a young run keeps the first minute", 0, null, 0.5 * MIN, 1 * MIN],
    // It did not see the earlier updates: it waits a full interval from when it took over.
    ["an instance that took over an old run waits two minutes", 0, null, 10 * MIN, 12 * MIN],
  ])("%s", (_what, runStartedAt, lastAt, knownSince, expected) => {
    expect(nextProgressAt({ runStartedAt, lastAt, knownSince, pacing })).toBe(expected);
  });
});

describe("progressUpdateText", () => {
  it.each([
    [["Thinking"], 4 * MIN, "Still working (4 min)."],
    [["Thinking", "Running: npm test"], 4 * MIN, "Still working (4 min): running npm test"],
    [["Editing src/a.ts", "Editing src/b.ts", "Editing src/a.ts", "Writing README.md", "Running: npm test"], 4 * MIN, "Still working (4 min): running npm test, edited 3 files"],
    [["Running: npm ci", "Editing src/a.ts"], 2 * MIN, "Still working (2 min): running npm ci, edited 1 file"],
    [["Editing src/a.ts"], 2 * MIN, "Still working (2 min): edited 1 file"],
    [["Reading docs/api.md"], 61_000, "Still working (1 min): reading docs/api.md"],
    [[], 90_000, "Still working (2 min)."],
    // Under a minute (PROGRESS_AFTER_MS may bring the first update that early): seconds, as they are.
    [["Running: npm test"], 20_000, "Still working (20 s): running npm test"],
    [[], 59_900, "Still working (59 s)."],
    [[], 60_000, "Still working (1 min)."],
    [[], 400, "Still working (1 s)."],
  ])("%j after %d ms", (lines, elapsed, expected) => {
    expect(progressUpdateText(lines, 1_000_000, 1_000_000 + elapsed)).toBe(expected);
  });
});

describe("waiting for the user is not the agent's time", () => {
  const asked = (from: number, to: number | null) => ({ from, to });
  it.each([
    // [what, waits, lastAt, expected]
    ["a minute's wait before the first update pushes it a minute later", [asked(0.5 * MIN, 1.5 * MIN)], null, 2 * MIN],
    // The case: the update fell due during the wait, and then came with "✅ Allowed".
    ["an answer right when the minute is up brings no update with it", [asked(0.2 * MIN, 1.2 * MIN)], null, 2 * MIN],
    ["a wait after the last update pushes the next one as long", [asked(2 * MIN, 5 * MIN)], 1 * MIN, 6 * MIN],
    ["two overlapping prompts count once", [asked(0.5 * MIN, 1.5 * MIN), asked(1 * MIN, 2 * MIN)], null, 2.5 * MIN],
    // The question's own reminders say it waits (approvals/approval-reminders.ts): no update beside them.
    ["a wait going on: no update", [asked(0.5 * MIN, null)], null, null],
    ["a wait going on after an update: no update", [asked(3 * MIN, null)], 4 * MIN, null],
  ])("%s", (_what, waits, lastAt, expected) => {
    expect(nextProgressAt({ runStartedAt: 0, lastAt, knownSince: 0, pacing, waits })).toBe(expected);
  });

  it.each([
    ["a minute of work and a minute of waiting is one minute", [asked(0.5 * MIN, 1.5 * MIN)], 2 * MIN, "Still working (1 min): running npm test"],
    ["no wait: the wall clock", [], 4 * MIN, "Still working (4 min): running npm test"],
  ])("%s", (_what, waits, at, expected) => {
    expect(progressUpdateText(["Running: npm test"], 0, at, waits)).toBe(expected);
  });

  it("the agent's time never counts a wait twice nor goes below zero", () => {
    expect(agentTimeMs(0, 3 * MIN, [asked(1 * MIN, null)])).toBe(1 * MIN);
    expect(agentTimeMs(0, 3 * MIN, [asked(1 * MIN, 2 * MIN), asked(1 * MIN, 2 * MIN)])).toBe(2 * MIN);
    expect(agentTimeMs(5 * MIN, 6 * MIN, [asked(0, 10 * MIN)])).toBe(0);
  });
});
