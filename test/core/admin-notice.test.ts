import { describe, expect, it } from "vitest";
import { adminToTell } from "../../src/channels/admin-names";
import { chatStoppedAdminNotice } from "../../src/admin/admin-notice";

describe("adminToTell", () => {
  it.each([
    ["the first phone admin", { adminSenders: new Set(["+15550001", "+15550002"]), adminTelegramUsers: new Set(["42"]) }, { kind: "user", user: "+15550001" }],
    ["no phone admin: the first Telegram admin", { adminSenders: new Set<string>(), adminTelegramUsers: new Set(["42", "43"]) }, { kind: "chat", chat: { channel: "telegram", chat: "42" } }],
    ["no Telegram list at all", { adminSenders: new Set<string>() }, null],
    ["no admin", { adminSenders: new Set<string>(), adminTelegramUsers: new Set<string>() }, null],
    ["no configuration", null, null],
  ] as const)("%s", (_, configured, expected) => {
    expect(adminToTell(configured)).toEqual(expected);
  });
});

describe("chatStoppedAdminNotice", () => {
  const stop = { user: "+15550009", channel: "telegram" as const, chat: "7006", stoppedAt: 1_700_000_000_000, body: "📵 stopped" };

  it("one key per user, chat and stop; a Telegram admin's in their private chat, a phone admin's where they last wrote", () => {
    expect(chatStoppedAdminNotice({ kind: "chat", chat: { channel: "telegram", chat: "42" } }, stop)).toEqual({ key: "admin:chat-stopped:+15550009:telegram:7006:1700000000000", body: "📵 stopped", to: { channel: "telegram", chat: "42" } });
    expect(chatStoppedAdminNotice({ kind: "user", user: "+15550001" }, stop).to).toBeNull();
  });

  it("a later stop of the same chat is another notice; the same stop is the same one", () => {
    const admin = { kind: "user", user: "+15550001" } as const;
    expect(chatStoppedAdminNotice(admin, { ...stop, stoppedAt: stop.stoppedAt + 1 }).key).not.toBe(chatStoppedAdminNotice(admin, stop).key);
    expect(chatStoppedAdminNotice(admin, stop).key).toBe(chatStoppedAdminNotice(admin, { ...stop }).key);
  });
});
