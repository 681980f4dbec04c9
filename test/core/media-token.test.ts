import { describe, expect, it } from "vitest";
import { deriveMediaKeys, linkExpiresAt, mediaOwnerTag, randomId, signMediaToken, verifyMediaToken } from "../../src/media/media-token";

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const objectKey = "in/AbCdEfGhIjKlMnOp/0123456789abcdefghijkl";
const keys = await deriveMediaKeys("twilio-auth-token-0123456789");
const otherKeys = await deriveMediaKeys("another-secret-0123456789");
const valid = await signMediaToken(keys.token, objectKey, now + 60_000);
const forOther = await signMediaToken(keys.token, "in/AbCdEfGhIjKlMnOp/zzzzzzzzzzzzzzzzzzzzzz", now + 60_000);
const [version, seconds, encodedKey, mac] = valid.split(".") as [string, string, string, string];

/** Changes one character of the MAC (its first, which carries no padding bits). */
const flipped = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);

describe("verifyMediaToken", () => {
  it.each([
    ["a fresh token", valid, now, objectKey],
    ["a token one second before it expires", valid, now + 59_000, objectKey],
    ["an expired token", valid, now + 60_000, null],
    ["a token long expired", valid, now + 86_400_000, null],
    ["a token with its MAC changed", `${version}.${seconds}.${encodedKey}.${flipped(mac)}`, now, null],
    ["a token with its expiry pushed back", `${version}.${Number(seconds) + 3600}.${encodedKey}.${mac}`, now, null],
    ["a token's MAC on another object's key", `${version}.${seconds}.${forOther.split(".")[2]}.${mac}`, now, null],
    ["another object's token with this key swapped in", `${forOther.split(".").slice(0, 2).join(".")}.${encodedKey}.${forOther.split(".")[3]}`, now, null],
    ["a truncated token", valid.slice(0, -1), now, null],
    ["a token cut in half", valid.slice(0, valid.length / 2), now, null],
    ["a token without its MAC", `${version}.${seconds}.${encodedKey}`, now, null],
    ["another version's token", `m2.${seconds}.${encodedKey}.${mac}`, now, null],
    ["garbage", "not-a-token", now, null],
    ["an empty string", "", now, null],
    ["path characters", "../../etc/passwd", now, null],
    ["a token with a padded MAC", `${valid}=`, now, null],
  ])("%s", async (_name, token, at, expected) => {
    expect(await verifyMediaToken(keys.token, token, at)).toBe(expected);
  });

  it("refuses a token signed with another secret", async () => {
    const foreign = await signMediaToken(otherKeys.token, objectKey, now + 60_000);
    expect(await verifyMediaToken(keys.token, foreign, now)).toBeNull();
    expect(await verifyMediaToken(otherKeys.token, foreign, now)).toBe(objectKey);
  });

  it("refuses a non-canonical spelling of the same MAC", async () => {
    // The MAC's last character carries two padding bits; another value of them decodes to the same bytes.
    const last = mac.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(await verifyMediaToken(keys.token, `${valid.slice(0, -1)}${sibling}`, now)).toBeNull();
  });

  it("round-trips keys with any characters, and uses only URL-safe ones", async () => {
    for (const key of ["out/x/é漢字", "a", "in/+/=?&#"]) {
      const token = await signMediaToken(keys.token, key, now + 1000 * 60);
      expect(token).toMatch(/^m1\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      expect(await verifyMediaToken(keys.token, token, now)).toBe(key);
    }
  });

  it("never lives past the time asked for (whole seconds, rounded down)", async () => {
    const token = await signMediaToken(keys.token, objectKey, now + 1999);
    expect(await verifyMediaToken(keys.token, token, now + 999)).toBe(objectKey);
    expect(await verifyMediaToken(keys.token, token, now + 1000)).toBeNull();
  });

  it("refuses to sign what cannot be a link", async () => {
    await expect(signMediaToken(keys.token, "", now)).rejects.toThrow();
    await expect(signMediaToken(keys.token, objectKey, Number.NaN)).rejects.toThrow();
    await expect(deriveMediaKeys("")).rejects.toThrow();
  });
});

describe("linkExpiresAt", () => {
  const day = 86_400_000;
  it.each([
    ["the TTL, well within retention", { now, ttlMs: 3_600_000, createdAt: now, retentionMs: 7 * day }, now + 3_600_000],
    ["retention, when it ends first", { now, ttlMs: 3_600_000, createdAt: now - 7 * day + 60_000, retentionMs: 7 * day }, now + 60_000],
    ["in the past, for an object past retention", { now, ttlMs: 3_600_000, createdAt: now - 8 * day, retentionMs: 7 * day }, now - day],
  ])("%s", (_name, input, expected) => {
    expect(linkExpiresAt(input)).toBe(expected);
  });
});

describe("mediaOwnerTag and randomId", () => {
  it("tags a phone the same way each time, differently per phone and per secret, without the number", async () => {
    const tag = await mediaOwnerTag(keys, "+15551230001");
    expect(tag).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await mediaOwnerTag(keys, "+15551230001")).toBe(tag);
    expect(await mediaOwnerTag(keys, "+15551230002")).not.toBe(tag);
    expect(await mediaOwnerTag(otherKeys, "+15551230001")).not.toBe(tag);
    expect(tag).not.toContain("1555123");
  });

  it("makes 128-bit ids", () => {
    const ids = new Set(Array.from({ length: 100 }, () => randomId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
