import { describe, expect, it } from "vitest";
import { CHANNEL_NAMES, CHANNELS } from "../../src/channels";
import { configuredIn, configuredUserNames, TYPED_USER_IDS, typedUserName } from "../../src/channels/admin-names";
import { HELP_APPS, HELP_NOTIFY_WORDS } from "../../src/channels/help-words";
import { homeChatOf } from "../../src/channels/home-chat";

const configured = {
  allowedSenders: new Set(["+15550001001"]),
  adminSenders: new Set(["+15550001002", "+15550001003"]),
  allowedTelegramUsers: new Set(["4001"]),
  adminTelegramUsers: new Set(["4002"]),
};

describe("typedUserName: a user as an admin types them", () => {
  it.each<[string, string | null]>([
    ["+15550001901", "+15550001901"],
    ["+447700900123", "+447700900123"],
    // Digits without + are a Telegram user id, even when they look like a number.
    ["15550001901", "tg-15550001901"],
    ["123456789", "tg-123456789"],
    ["tg-123456789", "tg-123456789"],
    ["9007199254740991", "tg-9007199254740991"],
    // Past a safe integer, too long, a leading zero, or nothing after the prefix.
    ["9007199254740993", null],
    ["12345678901234567", null],
    ["0123", null],
    ["tg-0123", null],
    ["tg-", null],
    ["tg-tg-1", null],
    ["+1555000", null],
    ["whatsapp:+15550001901", null],
    ["@someone", null],
    ["", null],
  ])("%j → %j", (text, name) => {
    expect(typedUserName(text)).toBe(name);
  });

  it("each id a usage text shows as an example is one, and names a user without a phone", () => {
    for (const id of TYPED_USER_IDS) {
      const name = typedUserName(id.example);
      expect(name).not.toBeNull();
      expect(homeChatOf(name!).chat).toBe(id.example);
    }
  });
});

describe("configuredIn: the env variable a configured user is in", () => {
  it.each<[string, string | null]>([
    ["+15550001002", "ADMIN_SENDERS"],
    ["+15550001001", "ALLOWED_SENDERS"],
    ["+15550001009", null],
    ["tg-4002", "ADMIN_TELEGRAM_USERS"],
    ["tg-4001", "ALLOWED_TELEGRAM_USERS"],
    ["tg-4009", null],
    // A phone's digits are not a Telegram id.
    ["tg-15550001001", null],
  ])("%s → %s", (name, listed) => {
    expect(configuredIn(configured, name)).toBe(listed);
    expect(configuredIn({ allowedSenders: new Set(), adminSenders: new Set() }, name)).toBeNull();
  });

  it("a user in both lists of a channel is named by its admin list", () => {
    expect(configuredIn({ ...configured, allowedSenders: new Set(["+15550001002"]) }, "+15550001002")).toBe("ADMIN_SENDERS");
    expect(configuredIn({ ...configured, allowedTelegramUsers: new Set(["4002"]) }, "tg-4002")).toBe("ADMIN_TELEGRAM_USERS");
  });
});

describe("configuredUserNames", () => {
  it("every configured user by name: the phones' admins and users, then Telegram's", () => {
    expect(configuredUserNames(configured)).toEqual([
      { name: "+15550001002", admin: true },
      { name: "+15550001003", admin: true },
      { name: "+15550001001", admin: false },
      { name: "tg-4002", admin: true },
      { name: "tg-4001", admin: false },
    ]);
    expect(configuredUserNames({ allowedSenders: new Set(), adminSenders: new Set() })).toEqual([]);
  });
});

describe("the layer's words for other modules", () => {
  it("the help names the apps as the channels' specs do, and /notify takes the channels' names", () => {
    expect(HELP_APPS).toEqual(CHANNEL_NAMES.map((name) => CHANNELS[name].displayName));
    expect(HELP_NOTIFY_WORDS).toEqual(CHANNEL_NAMES);
  });
});
