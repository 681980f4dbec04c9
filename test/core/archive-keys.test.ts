import { describe, expect, it } from "vitest";
import { archiveFolder, archiveManifestKey, archivePartKey, archiveUserPrefix, partMismatch } from "../../src/archive/archive-keys";
import { ArchivePartNameSchema } from "../../src/protocol/vm/archive";

const users = ["+15550000380", "+15550000381", "+1555000038", "tg-42", "tg-4", "+15550000380/"];

describe("an archive belongs to its user", () => {
  it("each user's prefix is their own, and none is a prefix of another's", async () => {
    const prefixes = await Promise.all(users.map(archiveUserPrefix));
    expect(new Set(prefixes).size).toBe(users.length);
    for (const a of prefixes) {
      expect(a).toMatch(/^archives\/[0-9a-f]{64}\/$/);
      for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    }
    // The name itself never shows in the key.
    expect(prefixes[0]).not.toContain("15550000380");
  });

  it.each(["../manifest.json", "a/b", "..", ".hidden", "", "x".repeat(101), "a\\b", "%2e%2e"])("a part named %j is refused", (name) => {
    expect(ArchivePartNameSchema.safeParse(name).success).toBe(false);
  });

  it.each(["workspaces.bundle", "sessions-1.tar", "ws_main.git"])("a part named %j stays under its archive", async (name) => {
    const folder = archiveFolder(await archiveUserPrefix("+15550000380"), 1_700_000_000_000);
    expect(ArchivePartNameSchema.safeParse(name).success).toBe(true);
    expect(archivePartKey(folder, name)).toBe(`${folder}parts/${name}`);
    expect(archiveManifestKey(folder)).toBe(`${folder}manifest.json`);
  });
});

describe("partMismatch: a part is checked by its size and checksum in R2", () => {
  const part = { name: "p", bytes: 10, sha256: "a".repeat(64) };
  it.each([
    ["matches", { size: 10, sha256: "a".repeat(64) }, null],
    ["missing", null, "p: not in R2"],
    ["short", { size: 9, sha256: "a".repeat(64) }, "p: 9 bytes in R2, 10 prepared"],
    ["other bytes", { size: 10, sha256: "b".repeat(64) }, "p: checksum differs in R2"],
    ["no checksum kept", { size: 10, sha256: null }, "p: checksum differs in R2"],
  ] as const)("%s", (_n, stored, expected) => expect(partMismatch(part, stored)).toBe(expected));
});
