import { describe, expect, it } from "vitest";
import { decideRate, type RateDecision, type RateInput } from "../../src/shared/rate-limit";

const now = 1_700_000_000_000;
const base: RateInput = { recent: 0, limit: 30, exempt: false, lastNoticeAt: null, now };

describe("decideRate", () => {
  it.each<[string, Partial<RateInput>, RateDecision]>([
    ["well under the limit", { recent: 3 }, { action: "accept" }],
    ["the 30th message of the minute", { recent: 29 }, { action: "accept" }],
    ["the 31st: refused, and said", { recent: 30 }, { action: "refuse", notify: true }],
    ["the 32nd, told 5 s ago: refused quietly", { recent: 31, lastNoticeAt: now - 5_000 }, { action: "refuse", notify: false }],
    ["still over a minute after the last notice: said again", { recent: 40, lastNoticeAt: now - 60_000 }, { action: "refuse", notify: true }],
    ["/stop and /status always pass", { recent: 500, exempt: true }, { action: "accept" }],
    ["0 turns the limit off", { recent: 500, limit: 0 }, { action: "accept" }],
  ])("%s", (_name, input, expected) => {
    expect(decideRate({ ...base, ...input })).toEqual(expected);
  });
});
