import { describe, expect, it } from "vitest";
import { deriveWebLinkKey, isTaggedWebLinkToken, newWebLinkToken, openStoredWebLink, storedWebLink, type WebLink, webLinkDigest, webLinkExpiresAt, webLinkKeyFor } from "../../src/web/web-token";
import { deriveMediaKeys } from "../../src/media/media-token";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const SECRET = "a-signing-secret-of-at-least-32-characters";
/** Durable Object ids as `idFromName(...).toString()` gives them: 64 hex digits. */
const OBJECT_A = "a".repeat(63) + "1";
const OBJECT_B = "0123456789abcdef".repeat(4);
/** A realistic production host: the link a phone shows must stay within 80 characters. */
const PUBLIC_URL = "https://whatsapp-agent-relay.example.workers.dev";

describe("web link tokens", () => {
  it("are 22 base64url characters, fresh each time: a link under a workers.dev host is at most 80 characters", async () => {
    const key = await deriveWebLinkKey(SECRET);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => newWebLinkToken(key)));
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(`${PUBLIC_URL}/web/${tokens[0]}`.length).toBeLessThanOrEqual(80);
  });

  it("are stored under a digest of their own key: another secret, or the media key's label, gives another digest", async () => {
    const key = await deriveWebLinkKey(SECRET);
    const token = await newWebLinkToken(key);
    const digest = await webLinkDigest(key, token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(token);
    expect(await webLinkDigest(key, token)).toBe(digest);
    // Another key did not make it: its tag is wrong there, so it has no digest at all.
    expect(await webLinkDigest(await deriveWebLinkKey(`${SECRET}!`), token)).toBeNull();
    expect(await webLinkDigest((await deriveMediaKeys(SECRET)).token, token).catch(() => null)).toBeNull();
  });

  it("carry a tag: every token with one character changed, anywhere, has no digest", async () => {
    const key = await deriveWebLinkKey(SECRET);
    for (let round = 0; round < 5; round++) {
      const token = await newWebLinkToken(key);
      expect(await isTaggedWebLinkToken(key, token)).toBe(true);
      for (let i = 0; i < token.length; i++) {
        for (const c of ["A", "B", "h", "_", "-", "9"]) {
          if (c === token[i]) continue;
          const altered = token.slice(0, i) + c + token.slice(i + 1);
          expect(await webLinkDigest(key, altered), `${token} → ${altered}`).toBeNull();
        }
      }
    }
  });

  it("has no digest for 22 random characters (a guess)", async () => {
    const key = await deriveWebLinkKey(SECRET);
    const guesses = Array.from({ length: 200 }, () => Array.from(crypto.getRandomValues(new Uint8Array(22)), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[b % 64]).join(""));
    for (const guess of guesses) expect(await webLinkDigest(key, guess)).toBeNull();
  });

  it.each([
    ["empty", ""],
    ["one short", "A".repeat(21)],
    ["one long", "A".repeat(23)],
    ["not base64url", `${"A".repeat(21)}.`],
    ["the old signed layout", `w1.a.1800000000.0.0.${OBJECT_A}.${"0".repeat(64)}`],
  ])("has no digest for a token of the wrong shape: %s", async (_name, token) => {
    expect(await webLinkDigest(await deriveWebLinkKey(SECRET), token)).toBeNull();
  });
});

describe("stored links", () => {
  const links: [string, WebLink][] = [
    ["one conversation", { object: OBJECT_A, scope: { kind: "conversation", conversationId: 3 }, epoch: 0, expiresAt: NOW + 3_600_000 }],
    ["all conversations", { object: OBJECT_B, scope: { kind: "all" }, epoch: 7, expiresAt: NOW + 1000 }],
    ["the dashboard", { object: OBJECT_A, scope: { kind: "dashboard" }, epoch: 2, expiresAt: NOW + 86_400_000 }],
  ];
  it.each(links)("open what was stored until they expire: %s", (_name, link) => {
    expect(openStoredWebLink(storedWebLink(link), NOW)).toEqual(link);
    expect(openStoredWebLink(storedWebLink(link), link.expiresAt)).toBeNull();
  });

  it.each([
    ["none", null],
    ["a conversation link without its conversation", { object: OBJECT_A, scope: "c", conversationId: 0, epoch: 0, expiresAt: NOW + 1000 }],
    ["an all link with a conversation", { object: OBJECT_A, scope: "a", conversationId: 4, epoch: 0, expiresAt: NOW + 1000 }],
  ] as const)("open nothing for a row that makes no sense: %s", (_name, row) => {
    expect(openStoredWebLink(row, NOW)).toBeNull();
  });

  it("refuses to store what could never open", () => {
    expect(() => storedWebLink({ ...links[0]![1], object: "+15550000150" })).toThrow(/Durable Object id/);
    expect(() => storedWebLink({ ...links[0]![1], epoch: -1 })).toThrow(/epoch/);
    expect(() => storedWebLink({ ...links[0]![1], scope: { kind: "conversation", conversationId: 0 } })).toThrow(/conversationId/);
  });

  it.each([
    [24, NOW + 86_400_000],
    [0.01, NOW + 36_000],
    [1.5, NOW + 5_400_000],
  ])("a link for %s h expires then (whole seconds)", (hours, at) => {
    expect(webLinkExpiresAt(NOW + 400, hours)).toBe(at);
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
    const token = await newWebLinkToken(await first!);
    expect(await webLinkDigest(await first!, token)).toMatch(/^[0-9a-f]{64}$/);
    expect(await webLinkDigest(await other!, token)).toBeNull();
  });
});
