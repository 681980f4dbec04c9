// The rename of a DATA_DIR of the old layout, step by step, without a VM: everything named by the
// sha256 of a user id moves to the keyed name once, a start cut short is finished by the next, and
// a second start changes nothing.
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keyOfLegacy, legacyKeyOf } from "../src/core/user-keys";
import { migrateUserKeys } from "../src/users/user-key-migration";
import { userKeysOf } from "../src/users/user-key-secret";
import { userPathsOf } from "../src/users/user-paths";
import { tempDir } from "./helpers/temp-dir";

const alice = "+15550003301";
const bob = "+15550003302";

/** What the previous version left: trees, session directories, rules, histories, uids and run logs under sha256 names. */
function oldLayout(): string {
  const dataDir = tempDir("vm-old-layout-");
  const uids: Record<string, number> = {};
  for (const [i, userId] of [alice, bob].entries()) {
    const old = legacyKeyOf(userId);
    const root = join(dataDir, "users", old);
    mkdirSync(join(root, "workspace"), { recursive: true });
    writeFileSync(join(root, "workspace", "notes.txt"), userId);
    const project = join(root, "home", ".claude", "projects", `${dataDir.replaceAll(/[^A-Za-z0-9]/g, "-")}-users-${old}-workspace`);
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "s1.jsonl"), "{}\n");
    mkdirSync(join(dataDir, ".permissions", old), { recursive: true });
    writeFileSync(join(dataDir, ".permissions", old, "main.json"), "{}");
    mkdirSync(join(dataDir, ".checkpoints", old), { recursive: true });
    uids[old] = 20_000 + i;
  }
  writeFileSync(join(dataDir, ".agent-ids.json"), JSON.stringify({ version: 1, users: uids }));
  mkdirSync(join(dataDir, ".runs"));
  writeFileSync(join(dataDir, ".runs", "r1.meta.json"), JSON.stringify({ runId: "r1", userKey: legacyKeyOf(alice), createdAt: 1 }));
  return dataDir;
}

/** Every name under a directory (links not followed), as a sorted list of relative paths. */
const tree = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe("migrateUserKeys", () => {
  it("moves every name of the old layout to the keyed one, once", () => {
    const dataDir = oldLayout();
    expect(migrateUserKeys(dataDir)).toBe(2);
    const { secret } = userKeysOf(dataDir);
    const a = userPathsOf(dataDir, alice);
    expect(a.key).toBe(keyOfLegacy(secret, legacyKeyOf(alice)));
    expect(readdirSync(join(dataDir, "users")).sort()).toEqual([a.key, userPathsOf(dataDir, bob).key].sort());
    expect(readFileSync(join(a.workspace, "notes.txt"), "utf8")).toBe(alice);
    expect(readdirSync(join(a.home, ".claude", "projects"))).toEqual([`${dataDir.replaceAll(/[^A-Za-z0-9]/g, "-")}-users-${a.key}-workspace`]);
    expect(readdirSync(join(dataDir, ".permissions")).sort()).toEqual(readdirSync(join(dataDir, "users")).sort());
    expect(readdirSync(join(dataDir, ".checkpoints")).sort()).toEqual(readdirSync(join(dataDir, "users")).sort());
    expect(JSON.parse(readFileSync(join(dataDir, ".agent-ids.json"), "utf8")).users).toEqual({ [a.key]: 20_000, [userPathsOf(dataDir, bob).key]: 20_001 });
    expect(JSON.parse(readFileSync(join(dataDir, ".runs", "r1.meta.json"), "utf8")).userKey).toBe(a.key);
    expect(userKeysOf(dataDir).legacy).toEqual([]);

    const after = tree(dataDir);
    expect(after.join("\n")).not.toContain(legacyKeyOf(alice));
    expect(migrateUserKeys(dataDir)).toBe(0);
    expect(tree(dataDir)).toEqual(after);
  });

  it("finishes a start cut short, and never follows a link the user put in its home", () => {
    const dataDir = oldLayout();
    // The secret was made and one tree renamed, then the VM died.
    const { secret } = userKeysOf(dataDir);
    const old = legacyKeyOf(alice);
    renameSync(join(dataDir, "users", old), join(dataDir, "users", keyOfLegacy(secret, old)));
    // Bob's agent made its sessions directory a link to a directory of the server's, holding a name that looks like its sessions'.
    const bobHome = join(dataDir, "users", legacyKeyOf(bob), "home", ".claude");
    const bait = join(dataDir, ".runs", `-x-${legacyKeyOf(bob)}-workspace`);
    mkdirSync(bait);
    renameSync(join(bobHome, "projects"), join(bobHome, "projects-real"));
    symlinkSync(join(dataDir, ".runs"), join(bobHome, "projects"));

    expect(migrateUserKeys(dataDir)).toBe(2);
    const a = userPathsOf(dataDir, alice);
    expect(readFileSync(join(a.workspace, "notes.txt"), "utf8")).toBe(alice);
    expect(readdirSync(join(a.home, ".claude", "projects"))[0]).toContain(a.key);
    expect(readdirSync(join(dataDir, ".permissions")).sort()).toEqual(readdirSync(join(dataDir, "users")).sort());
    // Nothing renamed through the link.
    expect(readdirSync(join(dataDir, ".runs")).sort()).toEqual([`-x-${legacyKeyOf(bob)}-workspace`, "r1.meta.json"]);
    expect(readdirSync(join(dataDir, "users")).join(" ")).not.toMatch(new RegExp(`${old}|${legacyKeyOf(bob)}`));
  });
});
