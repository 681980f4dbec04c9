// The directory's /link tables through their repository, on a real SQLite in Node.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatAddress } from "../../src/channels/channel";
import { createLinksRepo, type LinksRepo } from "../../src/objects/db/links-repo";
import { createSql } from "../../src/objects/db/sql";
import { createNodeStorage, type NodeStorage } from "./helpers/node-storage";

const NOW = 1_764_000_000_000;
const WA = { channel: "whatsapp" as const, chat: "+15550001111" };
const TG = { channel: "telegram" as const, chat: "424242" };
let storage: NodeStorage;
let links: LinksRepo;

beforeEach(() => {
  storage = createNodeStorage();
  storage.sql.exec(readFileSync(join(import.meta.dirname, "../../migrations/directory/0005_links.sql"), "utf8"));
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
    links.add({ telegramUser: TG.chat, home: WA.chat }, NOW);
    expect(() => links.add({ telegramUser: "777", home: WA.chat }, NOW)).toThrow();
    expect(() => links.add({ telegramUser: TG.chat, home: "+15550002222" }, NOW)).toThrow();
    expect(links.homeOfTelegram(TG.chat)).toBe(WA.chat);
    expect(links.telegramOfHome(WA.chat)).toBe(TG.chat);
    expect(links.list()).toEqual([{ telegramUser: TG.chat, home: WA.chat, linkedAt: NOW }]);

    // A Telegram chat's /unlink removes its own link, wherever it landed.
    expect(links.remove("tg-424242", TG)).toEqual({ telegramUser: TG.chat, home: WA.chat });
    expect(links.remove(WA.chat, WA)).toBeNull();
    links.add({ telegramUser: TG.chat, home: WA.chat }, NOW);
    expect(links.remove(WA.chat, WA)).toEqual({ telegramUser: TG.chat, home: WA.chat });
    expect(links.homeOfTelegram(TG.chat)).toBeNull();
  });
});
