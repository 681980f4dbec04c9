// The Bot API stand-in's first update id: from the clock, so a restarted stand-in goes on above the
// ids a relay with kept storage has seen (a repeated update_id is dropped as a duplicate).
import { describe, expect, it } from "vitest";
import { createBotState, firstUpdateId } from "../../emulator/telegram/shell/bot-state";

describe("firstUpdateId", () => {
  it.each([
    ["the start of 2026", Date.UTC(2026, 0, 1), 1],
    ["a second later", Date.UTC(2026, 0, 1, 0, 0, 1), 10],
    ["late 2026", Date.UTC(2026, 10, 24, 17, 0, 0), 283_140_000],
  ])("%s", (_name, now, expected) => {
    expect(firstUpdateId(now)).toBe(expected);
  });

  it("a stand-in started later begins higher (above an earlier one's ids while it gave fewer than ten a second)", () => {
    const first = firstUpdateId(Date.UTC(2026, 10, 24, 9, 0, 0));
    const restarted = firstUpdateId(Date.UTC(2026, 10, 24, 9, 0, 1));
    expect(restarted).toBeGreaterThan(first);
    expect(Number.isSafeInteger(firstUpdateId(Date.UTC(2040, 0, 1)))).toBe(true);
    expect(createBotState("7000000001:AAtest", "local_agent_bot").nextUpdateId).toBeGreaterThan(first);
  });
});
