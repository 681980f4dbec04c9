// ARCHIVE_AFTER_DAYS as the relay reads it: 3 days unless set (an idle first month under $0.05,
// docs/fly-machines.md), fractions kept, anything else refused by name.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/agent/relay-settings";

const DAY = 86_400_000;

describe("ARCHIVE_AFTER_DAYS", () => {
  it.each([
    ["unset: the default of 3 days", {}, 3 * DAY],
    ["whole days", { ARCHIVE_AFTER_DAYS: "7" }, 7 * DAY],
    ["a fraction", { ARCHIVE_AFTER_DAYS: "0.5" }, DAY / 2],
  ])("%s", (_name, env, ms) => {
    const loaded = loadConfig(env);
    expect(loaded.ok && loaded.config.archiveAfterMs).toBe(ms);
  });

  it.each([["zero", "0"], ["not a number", "three"]])("refuses %s", (_name, value) => {
    const loaded = loadConfig({ ARCHIVE_AFTER_DAYS: value });
    expect(loaded.ok ? [] : loaded.problems.join("\n")).toMatch(/ARCHIVE_AFTER_DAYS/);
  });
});
