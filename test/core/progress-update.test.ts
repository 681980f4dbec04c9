import { describe, expect, it } from "vitest";
import { DEFAULT_PROGRESS_PACING as pacing, nextProgressAt, progressUpdateText } from "../../src/core/progress-update";

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
  ])("%j after %d ms", (lines, elapsed, expected) => {
    expect(progressUpdateText(lines, 1_000_000, 1_000_000 + elapsed)).toBe(expected);
  });
});
