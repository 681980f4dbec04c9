import { describe, expect, it } from "vitest";
import { deriveDoorKeys, type DoorKind, doorKeysFor, doorSecret, openDoor, sealDoor } from "../../src/triggers/door-keys";

const KEY = "k".repeat(32);
const door = { home: "+15551234567", id: "0123456789abcdef0123456789abcdef" };

describe("sealDoor / openDoor", () => {
  it("opens what it sealed, for the same kind and key only", async () => {
    const keys = await deriveDoorKeys(KEY);
    const other = await deriveDoorKeys("x".repeat(32));
    const sealed = await sealDoor(keys, "github", door);
    expect(await openDoor(keys, "github", sealed)).toEqual(door);
    expect(await openDoor(keys, "trigger", sealed)).toBeNull();
    expect(await openDoor(other, "github", sealed)).toBeNull();
    // A fresh IV each time: two seals of one door differ, and both open.
    const again = await sealDoor(keys, "github", door);
    expect(again).not.toBe(sealed);
    expect(await openDoor(keys, "github", again)).toEqual(door);
  });

  it("a Telegram user's home seals and opens too", async () => {
    const keys = await deriveDoorKeys(KEY);
    const tg = { home: "tg-123456789", id: "fedcba9876543210fedcba9876543210" };
    expect(await openDoor(keys, "trigger", await sealDoor(keys, "trigger", tg))).toEqual(tg);
  });

  it.each<[string, (sealed: string) => string]>([
    ["one character changed", (s) => s.slice(0, 20) + (s[20] === "A" ? "B" : "A") + s.slice(21)],
    ["cut short", (s) => s.slice(0, -1)],
    ["a character past base64url", (s) => `${s.slice(0, -1)}+`],
    ["padded", (s) => `${s}=`],
    ["empty", () => ""],
    ["a pre-door trigger id (32 hex)", () => "0123456789abcdef0123456789abcdef"],
    ["far too long", (s) => s.repeat(10)],
  ])("refuses a sealed id %s", async (_why, alter) => {
    const keys = await deriveDoorKeys(KEY);
    expect(await openDoor(keys, "github", alter(await sealDoor(keys, "github", door)))).toBeNull();
  });

  it("refuses homes and ids that are not one line", async () => {
    const keys = await deriveDoorKeys(KEY);
    await expect(sealDoor(keys, "github", { home: "a\nb", id: "x" })).rejects.toThrow();
    await expect(sealDoor(keys, "github", { home: "a", id: "" })).rejects.toThrow();
  });
});

describe("doorSecret", () => {
  it.each<[DoorKind, RegExp]>([
    ["github", /^[0-9a-f]{64}$/],
    ["trigger", /^[A-Za-z0-9_-]{43}$/],
  ])("%s: shaped as its door takes it, stable for one sealed id, different for another", async (kind, shape) => {
    const keys = await deriveDoorKeys(KEY);
    const sealed = await sealDoor(keys, kind, door);
    const secret = await doorSecret(keys, kind, sealed);
    expect(secret).toMatch(shape);
    expect(await doorSecret(await deriveDoorKeys(KEY), kind, sealed)).toBe(secret);
    expect(await doorSecret(keys, kind, await sealDoor(keys, kind, door))).not.toBe(secret);
    expect(await doorSecret(await deriveDoorKeys("y".repeat(32)), kind, sealed)).not.toBe(secret);
  });

  it("a github and a trigger secret of the same sealed text differ", async () => {
    const keys = await deriveDoorKeys(KEY);
    const sealed = await sealDoor(keys, "github", door);
    expect(Buffer.from(await doorSecret(keys, "trigger", sealed), "base64url").toString("hex")).not.toBe(await doorSecret(keys, "github", sealed));
  });
});

describe("doorKeysFor", () => {
  it("no key configured: no door opens", () => {
    expect(doorKeysFor({ doorSigningSecret: null })).toBeNull();
  });
  it("one derivation per key", () => {
    expect(doorKeysFor({ doorSigningSecret: KEY })).toBe(doorKeysFor({ doorSigningSecret: KEY }));
  });
});
