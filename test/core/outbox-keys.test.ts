import { describe, expect, it } from "vitest";
import { outboxKeys } from "../../src/outbox/outbox-keys";

describe("outboxKeys.firstProgressOf", () => {
  it.each([
    ["a later update: the run's first", outboxKeys.progress("run-1", 3), "progress:run-1:1"],
    ["the first update itself: none", outboxKeys.progress("run-1", 1), null],
    ["a run id with colons", outboxKeys.progress("a:b", 2), "progress:a:b:1"],
    ["not an update", outboxKeys.reply("vm-1", 4, 2), null],
    ["a further part of an update", `${outboxKeys.progress("run-1", 2)}#1`, null],
  ])("%s", (_, key, expected) => {
    expect(outboxKeys.firstProgressOf(key)).toBe(expected);
  });
});
