// The chat linked to a home, as its settings keep it: written and read back, and migration 0023
// keeps what the key named after one app held.
import { afterEach, describe, expect, it } from "vitest";
import { createSettingsRepo } from "../../src/config/settings-repo";
import { linkedChatOf, notifyChannelOf, setLinkedChat } from "../../src/channels/chat-settings";
import { createSql } from "../../src/shared/sql";
import { createNodeStorage, loadMigrate, migratedDb, type NodeStorage } from "./helpers/node-storage";

const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

describe("the linked chat setting", () => {
  it("is written and read back as a chat address; none is null; a value it cannot read is none", async () => {
    const db = await migratedDb();
    opened.push(db);
    const settings = createSettingsRepo(db.sql);
    expect(linkedChatOf(settings)).toBeNull();
    setLinkedChat(settings, { channel: "telegram", chat: "424242" });
    expect(linkedChatOf(createSettingsRepo(db.sql))).toEqual({ channel: "telegram", chat: "424242" });
    setLinkedChat(settings, null);
    expect(linkedChatOf(settings)).toBeNull();
    for (const bad of ["424242", '{"channel":"slack","chat":"1"}', "{"]) {
      settings.set("linked_chat", bad);
      expect(linkedChatOf(settings)).toBeNull();
    }
  });

  it("/notify's choice is a channel's name, else none", async () => {
    const db = await migratedDb();
    opened.push(db);
    const settings = createSettingsRepo(db.sql);
    expect(notifyChannelOf(settings)).toBeNull();
    settings.set("notify_channel", "telegram");
    expect(notifyChannelOf(settings)).toBe("telegram");
    settings.set("notify_channel", "slack");
    expect(notifyChannelOf(settings)).toBeNull();
  });

  it("migration 0023 keeps the Telegram chat an older home had linked", async () => {
    const { MIGRATIONS, migrate } = await loadMigrate();
    const storage: NodeStorage = createNodeStorage();
    opened.push(storage);
    const asDo = storage as unknown as DurableObjectStorage;
    const linkedChat = MIGRATIONS.findIndex((m) => m.name === "0023_linked_chat");
    migrate(asDo, Date.now(), MIGRATIONS.slice(0, linkedChat));
    storage.sql.exec("INSERT INTO settings (key, value) VALUES ('telegram_door', '424242'), ('notify_channel', 'telegram')");
    migrate(asDo, Date.now(), MIGRATIONS);
    const settings = createSettingsRepo(createSql(storage));
    expect(linkedChatOf(settings)).toEqual({ channel: "telegram", chat: "424242" });
    expect(settings.get("telegram_door" as never)).toBeNull();
    expect(notifyChannelOf(settings)).toBe("telegram");
  });
});
