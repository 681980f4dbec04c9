// The pure part of users' keys: a keyed hash of the old key, and the names and run records of the
// old layout turned to the new key.
import { describe, expect, it } from "vitest";
import { keyOfLegacy, legacyKeyOf, renamedProjectDir, renamedRunMeta, userKeyOf } from "../../src/core/user-keys";

const secret = "ab".repeat(32);
const legacy = legacyKeyOf("+15550001111");
const key = keyOfLegacy(secret, legacy);

describe("user keys", () => {
  it("is a keyed hash: another secret, another key; never the sha256 of the id", () => {
    // The old name: the one `/etc/passwd` showed, and a brute force of numbers finds.
    expect(legacy).toBe("7a8e1bad42416f9a364e27b5494f2499090def39371344dfe39915f3c5dd1a75");
    expect(userKeyOf(secret, "+15550001111")).toBe(key);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(legacy);
    expect(userKeyOf("cd".repeat(32), "+15550001111")).not.toBe(key);
    expect(userKeyOf(secret, "+15550001112")).not.toBe(key);
  });

  it("refuses what is not an old key", () => {
    expect(() => keyOfLegacy(secret, "../etc")).toThrow(/not a user key/);
  });
});

describe("renamedProjectDir", () => {
  const cases: Array<[string, string | null]> = [
    [`-data-users-${legacy}-workspace`, `-data-users-${key}-workspace`],
    [`-data-users-${legacy}-workspaces-app`, `-data-users-${key}-workspaces-app`],
    [`-data-users-${key}-workspace`, null],
    ["-home-someone-project", null],
    [`-data-users-${legacy}x-workspace`, null],
  ];
  for (const [name, renamed] of cases) it(name.slice(0, 40), () => expect(renamedProjectDir(name, legacy, key)).toBe(renamed));
});

describe("renamedRunMeta", () => {
  const keys = new Map([[legacy, key]]);
  it("gives a run of the old key the new one, and leaves the rest", () => {
    expect(JSON.parse(renamedRunMeta(JSON.stringify({ runId: "r1", userKey: legacy, createdAt: 5 }), keys) ?? "")).toEqual({ runId: "r1", userKey: key, createdAt: 5 });
    expect(renamedRunMeta(JSON.stringify({ runId: "r2", userKey: key, createdAt: 5 }), keys)).toBeNull();
    expect(renamedRunMeta("{torn", keys)).toBeNull();
    expect(renamedRunMeta("[]", keys)).toBeNull();
  });
});
