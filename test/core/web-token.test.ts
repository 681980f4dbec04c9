import { describe, expect, it } from "vitest";
import { deriveWebLinkKey, signWebToken, verifyWebToken, type WebLink, webLinkExpiresAt, webLinkKeyFor } from "../../src/core/web-token";
import { deriveMediaKeys, signMediaToken } from "../../src/core/media-token";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const SECRET = "a-signing-secret-of-at-least-32-characters";
/** Durable Object ids as `idFromName(...).toString()` gives them: 64 hex digits. */
const OBJECT_A = "a".repeat(63) + "1";
const OBJECT_B = "0123456789abcdef".repeat(4);

describe("web link tokens", () => {
  const links: [string, WebLink][] = [
    ["one conversation", { object: OBJECT_A, scope: { kind: "conversation", conversationId: 3 }, epoch: 0, expiresAt: NOW + 3_600_000 }],
    ["all conversations", { object: OBJECT_B, scope: { kind: "all" }, epoch: 7, expiresAt: NOW + 1000 }],
    ["the dashboard", { object: OBJECT_A, scope: { kind: "dashboard" }, epoch: 2, expiresAt: NOW + 86_400_000 }],
  ];
  it.each(links)("verifies what it signed: %s", async (_name, link) => {
    const key = await deriveWebLinkKey(SECRET);
    expect(await verifyWebToken(key, await signWebToken(key, link), NOW)).toEqual(link);
  });

  it("refuses expired, altered, re-scoped and foreign tokens", async () => {
    const key = await deriveWebLinkKey(SECRET);
    const link = links[0]![1];
    const token = await signWebToken(key, link);
    const cases: [string, string, number][] = [
      ["expired at its second", token, link.expiresAt],
      ["MAC changed", token.slice(0, -1) + (token.endsWith("0") ? "1" : "0"), NOW],
      ["object changed", token.replace(OBJECT_A, OBJECT_B), NOW],
      ["scope changed", token.replace("w1.c.", "w1.a."), NOW],
      ["conversation changed", token.replace(".0.3.", ".0.4."), NOW],
      ["epoch changed", token.replace(/^(w1\.c\.\d+\.)0/, "$11"), NOW],
      ["expiry moved", token.replace(/^w1\.c\.(\d+)/, (_m, s: string) => `w1.c.${Number(s) + 3600}`), NOW],
      ["uppercase MAC", token.replace(/[0-9a-f]{64}$/, (m) => m.toUpperCase()), NOW],
      ["empty", "", NOW],
      ["a media token", await signMediaToken((await deriveMediaKeys(SECRET)).token, "in/x/y", NOW + 1000), NOW],
    ];
    for (const [name, candidate, at] of cases) expect(await verifyWebToken(key, candidate, at), name).toBeNull();
    expect(await verifyWebToken(await deriveWebLinkKey(`${SECRET}!`), token, NOW), "another secret").toBeNull();
  });

  it("derives a key of its own: the media token key does not verify a page link", async () => {
    const media = await deriveMediaKeys(SECRET);
    const token = await signWebToken(await deriveWebLinkKey(SECRET), links[1]![1]);
    expect(await verifyWebToken(media.token, token, NOW)).toBeNull();
  });

  it.each([
    [24, NOW + 86_400_000],
    [0.01, NOW + 36_000],
    [1.5, NOW + 5_400_000],
  ])("a link for %s h expires then (whole seconds)", (hours, at) => {
    expect(webLinkExpiresAt(NOW + 400, hours)).toBe(at);
  });

  it("refuses to sign what it could not verify", async () => {
    const key = await deriveWebLinkKey(SECRET);
    await expect(signWebToken(key, { ...links[0]![1], object: "+15550000150" })).rejects.toThrow(/Durable Object id/);
    await expect(signWebToken(key, { ...links[0]![1], epoch: -1 })).rejects.toThrow(/epoch/);
  });
});

describe("webLinkKeyFor", () => {
  it("has no key without a signing secret", () => {
    expect(webLinkKeyFor({ media: { signingSecret: null } })).toBeNull();
  });

  it("derives a secret's key once, and another secret's apart", async () => {
    const first = webLinkKeyFor({ media: { signingSecret: "secret-one" } });
    expect(webLinkKeyFor({ media: { signingSecret: "secret-one" } })).toBe(first);
    const other = webLinkKeyFor({ media: { signingSecret: "secret-two" } });
    expect(other).not.toBe(first);
    const link: WebLink = { object: "a".repeat(64), scope: { kind: "all" }, epoch: 1, expiresAt: 2_000_000_000_000 };
    const token = await signWebToken(await first!, link);
    expect(await verifyWebToken(await first!, token, 1_000)).toEqual(link);
    expect(await verifyWebToken(await other!, token, 1_000)).toBeNull();
  });
});
