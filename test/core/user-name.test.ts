import { describe, expect, it } from "vitest";
import { maskPhone } from "../../src/shared/phone";
import { isConfiguredAdmin, isConfiguredUser, telegramUserName, telegramUserOf } from "../../src/channels/user-names";

const config = {
  allowedSenders: new Set(["+15550001001"]),
  adminSenders: new Set(["+15550001002"]),
  allowedTelegramUsers: new Set(["4001"]),
  adminTelegramUsers: new Set(["4002"]),
};

describe("an object's name: a phone, or tg-<id> for a Telegram user", () => {
  it.each<[string, string | null]>([
    ["tg-4001", "4001"],
    ["tg-1234567890123456", "1234567890123456"],
    ["+15550001001", null],
    ["tg-", null],
    ["tg-0123", null],
    ["tg-12a", null],
    ["telegram:4001", null],
  ])("%s → %s", (name, id) => {
    expect(telegramUserOf(name)).toBe(id);
    if (id) expect(telegramUserName(id)).toBe(name);
  });

  it.each<[string, boolean, boolean]>([
    ["+15550001001", true, false],
    ["+15550001002", true, true],
    ["+15550001003", false, false],
    ["tg-4001", true, false],
    ["tg-4002", true, true],
    ["tg-4003", false, false],
    // A phone's digits are not a Telegram id, nor the other way round.
    ["tg-15550001001", false, false],
  ])("%s: configured %s, admin %s", (name, user, admin) => {
    expect(isConfiguredUser(config, name)).toBe(user);
    expect(isConfiguredAdmin(config, name)).toBe(admin);
    expect(isConfiguredUser(null, name)).toBe(false);
  });

  it("logs keep a Telegram id's last four digits, as a phone's", () => {
    expect(maskPhone("tg-123456789")).toBe("tg-***6789");
    expect(maskPhone("+14155550100")).toBe("+1415***0100");
    expect(maskPhone("tg-abc")).toBe("***");
  });
});
