import { describe, expect, it } from "vitest";
import { changesHome, HOME_CACHE_MAX, type HomeCache, homeOfChat } from "../../src/channels/home-cache";

const chat = { channel: "telegram" as const, chat: "700123" };
const TTL = 60_000;

/** Asks as the directory would, counting the calls. */
function directory(answers: string[]) {
  const calls: number[] = [];
  return { calls, ask: (now: number) => () => (calls.push(now), Promise.resolve(answers.shift() ?? "tg-700123")) };
}

describe("homeOfChat", () => {
  it.each<[string, { entryAt?: number; now: number; answer: string; ttlMs?: number }, { home: string; asked: boolean; cachedAt: number | undefined }]>([
    ["no entry: asks, keeps an unlinked answer", { now: 1_000, answer: "tg-700123" }, { home: "tg-700123", asked: true, cachedAt: 1_000 }],
    ["no entry: asks, never keeps a linked home", { now: 1_000, answer: "+15550001234" }, { home: "+15550001234", asked: true, cachedAt: undefined }],
    ["a fresh entry answers alone", { entryAt: 1_000, now: 1_000 + TTL - 1, answer: "+15550001234" }, { home: "tg-700123", asked: false, cachedAt: 1_000 }],
    ["an entry as old as the TTL asks again", { entryAt: 1_000, now: 1_000 + TTL, answer: "tg-700123" }, { home: "tg-700123", asked: true, cachedAt: 1_000 + TTL }],
    ["a stale entry whose chat was linked meanwhile: the link wins and the entry goes", { entryAt: 1_000, now: 1_000 + TTL, answer: "+15550001234" }, { home: "+15550001234", asked: true, cachedAt: undefined }],
    ["a clock that went backwards asks", { entryAt: 5_000, now: 4_000, answer: "tg-700123" }, { home: "tg-700123", asked: true, cachedAt: 4_000 }],
    ["TTL 0: asks every time, keeps nothing", { entryAt: 1_000, now: 1_000, answer: "tg-700123", ttlMs: 0 }, { home: "tg-700123", asked: true, cachedAt: undefined }],
  ])("%s", async (_why, given, expected) => {
    const cache: HomeCache = new Map(given.entryAt === undefined ? [] : [["telegram:700123", given.entryAt]]);
    const d = directory([given.answer]);
    const home = await homeOfChat(cache, chat, d.ask(given.now), { now: given.now, ttlMs: given.ttlMs ?? TTL });
    expect({ home, asked: d.calls.length === 1, cachedAt: cache.get("telegram:700123") }).toEqual(expected);
  });

  it("a flood of one chat's updates within the TTL asks the directory once", async () => {
    const cache: HomeCache = new Map();
    const d = directory([]);
    for (let i = 0; i < 500; i++) await homeOfChat(cache, chat, d.ask(i), { now: i, ttlMs: TTL });
    expect(d.calls).toEqual([0]);
  });

  it("a linked chat asks every time, so an /unlink holds from its next message", async () => {
    const cache: HomeCache = new Map();
    const d = directory(["+15550001234", "+15550001234", "tg-700123"]);
    const homes = [];
    for (let i = 0; i < 3; i++) homes.push(await homeOfChat(cache, chat, d.ask(i), { now: i, ttlMs: TTL }));
    expect(homes).toEqual(["+15550001234", "+15550001234", "tg-700123"]);
    expect(d.calls).toHaveLength(3);
  });

  it("is bounded: past HOME_CACHE_MAX chats it starts over", async () => {
    const cache: HomeCache = new Map();
    for (let i = 0; i < HOME_CACHE_MAX; i++) cache.set(`telegram:${i + 1}`, 0);
    await homeOfChat(cache, chat, () => Promise.resolve("tg-700123"), { now: 1, ttlMs: TTL });
    expect([...cache.keys()]).toEqual(["telegram:700123"]);
  });

  it("a /link or /unlink asks, drops the entry and keeps nothing: the answer it read is from before the message joined the doors", async () => {
    const cache: HomeCache = new Map([["telegram:700123", 0]]);
    // The chat's own "/link yes": read unlinked, then the object it reaches joins the doors.
    const d = directory(["tg-700123", "+15550001234"]);
    expect(await homeOfChat(cache, chat, d.ask(1), { now: 1, ttlMs: TTL, changing: true })).toBe("tg-700123");
    expect(cache.has("telegram:700123")).toBe(false);
    // Its next message reaches the linked home at once, not the own object for a TTL.
    expect(await homeOfChat(cache, chat, d.ask(2), { now: 2, ttlMs: TTL })).toBe("+15550001234");
    expect(d.calls).toEqual([1, 2]);
  });
});

describe("changesHome", () => {
  it.each<[string, boolean]>([
    ["/link", true],
    ["/link K7M-Q2P", true],
    ["  /LINK yes", true],
    ["/unlink", true],
    ["/link@relay_bot", true],
    ["/linkage", false],
    ["link", false],
    ["/status", false],
    ["please /link", false],
  ])("%j → %s", (text, expected) => {
    expect(changesHome(text)).toBe(expected);
  });
});
