// The directory's /link tables through their repository, on a real SQLite in Node.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatAddress } from "../../src/channels/channel";
import { createLinksRepo, type LinksRepo } from "../../src/directory/links-repo";
import { createRefusedChatsRepo } from "../../src/directory/refused-chats-repo";
import { createSql } from "../../src/shared/sql";
import { createNodeStorage, type NodeStorage } from "./helpers/node-storage";

const NOW = 1_764_000_000_000;
const migration = (file: string) => readFileSync(join(import.meta.dirname, "../../migrations/directory", file), "utf8");
/** The directory's tables these repositories use, as its migrations leave them. */
const DIRECTORY_SCHEMA = ["0002_stranger_refusals.sql", "0005_links.sql", "0006_chat_links.sql"];
const WA = { channel: "whatsapp" as const, chat: "+15550001111" };
const TG = { channel: "telegram" as const, chat: "424242" };
let storage: NodeStorage;
let links: LinksRepo;

beforeEach(() => {
  storage = createNodeStorage();
  for (const file of DIRECTORY_SCHEMA) storage.sql.exec(migration(file));
  links = createLinksRepo(createSql(storage));
});
afterEach(() => storage.close());

const code = (c: string, issuedBy: ChatAddress = WA, expiresAt = NOW + 600_000) => ({ code: c, issuedBy, home: issuedBy === WA ? WA.chat : `tg-${TG.chat}`, expiresAt });

describe("link codes", () => {
  it("a chat's new code replaces its earlier one; expired codes go; a taken code is refused", () => {
    expect(links.addCode(code("AAAAAA"), NOW)).toBe(true);
    expect(links.addCode(code("BBBBBB", TG, NOW + 1), NOW)).toBe(true);
    expect(links.addCode(code("CCCCCC"), NOW)).toBe(true);
    expect(links.code("AAAAAA")).toBeNull();
    expect(links.code("CCCCCC")).toEqual(code("CCCCCC"));
    // Later: TG's code has expired and goes when another chat's code is issued.
    expect(links.addCode(code("DDDDDD"), NOW + 2)).toBe(true);
    expect(links.code("BBBBBB")).toBeNull();
    // A live code of another chat is taken: the caller draws again.
    expect(links.addCode(code("DDDDDD", TG), NOW + 2)).toBe(false);
    expect(links.code("DDDDDD")).toEqual(code("DDDDDD"));
  });
});

describe("links", () => {
  it("one Telegram user per home and one home per user; either side removes its own", () => {
    links.add({ chat: TG, home: WA.chat }, NOW);
    expect(() => links.add({ chat: { ...TG, chat: "777" }, home: WA.chat }, NOW)).toThrow();
    expect(() => links.add({ chat: TG, home: "+15550002222" }, NOW)).toThrow();
    expect(links.homeOf(TG)).toBe(WA.chat);
    expect(links.homeOf(WA)).toBeNull();
    expect(links.linkedTo(WA.chat)).toEqual(TG);
    expect(links.list()).toEqual([{ chat: TG, home: WA.chat, linkedAt: NOW }]);

    // A Telegram chat's /unlink removes its own link, wherever it landed.
    expect(links.remove("tg-424242", TG)).toEqual({ chat: TG, home: WA.chat });
    expect(links.remove(WA.chat, WA)).toBeNull();
    links.add({ chat: TG, home: WA.chat }, NOW);
    expect(links.remove(WA.chat, WA)).toEqual({ chat: TG, home: WA.chat });
    expect(links.homeOf(TG)).toBeNull();
  });
});

describe("refused chats", () => {
  it("a chat is refused once per channel", () => {
    const refusals = createRefusedChatsRepo(createSql(storage));
    expect(refusals.firstRefusal(TG, NOW)).toBe(true);
    expect(refusals.firstRefusal(TG, NOW + 1)).toBe(false);
    expect(refusals.firstRefusal({ channel: "whatsapp", chat: TG.chat }, NOW)).toBe(true);
  });
});

describe("directory migration 0006", () => {
  it("keeps every link and refusal, now named by channel and chat", () => {
    const old = createNodeStorage();
    try {
      for (const file of ["0002_stranger_refusals.sql", "0005_links.sql"]) old.sql.exec(migration(file));
      old.sql.exec("INSERT INTO links (telegram_user, home, linked_at) VALUES ('424242', '+15550001111', ?)", NOW);
      old.sql.exec("INSERT INTO telegram_refusals (user_id, refused_at) VALUES ('777', ?), ('+15550009999', ?)", NOW, NOW + 1);
      old.sql.exec(migration("0006_chat_links.sql"));
      const after = createLinksRepo(createSql(old));
      expect(after.list()).toEqual([{ chat: TG, home: WA.chat, linkedAt: NOW }]);
      expect(after.homeOf(TG)).toBe(WA.chat);
      expect(old.sql.exec("SELECT channel, chat, refused_at FROM refused_chats ORDER BY chat").toArray()).toEqual([
        { channel: "whatsapp", chat: "+15550009999", refused_at: NOW + 1 },
        { channel: "telegram", chat: "777", refused_at: NOW },
      ]);
      // Refused once already: not again.
      expect(createRefusedChatsRepo(createSql(old)).firstRefusal({ channel: "telegram", chat: "777" }, NOW + 2)).toBe(false);
    } finally {
      old.close();
    }
  });
});
