import { describe, expect, it } from "vitest";
import { parseTelegramUserIds } from "../../src/channels/telegram/user-ids";

describe("parseTelegramUserIds", () => {
  it.each([
    [undefined, [], []],
    ["", [], []],
    ["424242", ["424242"], []],
    [" 1, 22 ,,333 ", ["1", "22", "333"], []],
    ["424242,@ada", ["424242"], ["@ada"]],
    ["-100123", [], ["-100123"]], // a group's id is not a user's
    ["0,01", [], ["0", "01"]],
    ["9007199254740993", [], ["9007199254740993"]], // past 2^53: not an id Telegram gives
  ])("%j", (csv, ids, invalid) => {
    const parsed = parseTelegramUserIds(csv);
    expect([...parsed.ids]).toEqual(ids);
    expect(parsed.invalid).toEqual(invalid);
  });
});
