// A user's directories are named by a keyed hash of the id, never the sha256 that `/etc/passwd`
// (readable by every agent) used to show as each HOME, and that a brute force of phone numbers
// turns back into the number. A DATA_DIR of the old layout is renamed at the next start: the
// user's workspace, session and uid are where they were.
import { copyFileSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { AgentIdTableSchema } from "../src/core/agent-ids";
import { legacyKeyOf } from "../src/core/user-keys";
import { userKeysFileOf } from "../src/users/user-key-secret";
import { userKeyOf, userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, resultsOf, useHarness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const alice = "+15550003201";
const accounts = tempDir("vm-accounts-");
copyFileSync("/etc/passwd", join(accounts, "passwd"));
copyFileSync("/etc/group", join(accounts, "group"));
const h = useHarness({ warmSessionMs: 0, agentAccountsDir: IS_ROOT ? accounts : null });
const passwd = () => readFileSync(join(accounts, "passwd"), "utf8");
const uidOf = (key: string) => AgentIdTableSchema.parse(JSON.parse(readFileSync(join(h.dataDir, ".agent-ids.json"), "utf8"))).users[key];

/**
 * DATA_DIR as the previous version left it: every name and every text that holds the user's key
 * holds the sha256 of the id instead (the user's tree, the session's directory and transcript, the
 * uid record, the run logs, passwd), and there is no key secret yet.
 */
function asTheOldVersionLeftIt(dataDir: string, key: string, legacy: string): void {
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      let path = join(dir, name);
      if (name.includes(key)) {
        renameSync(path, join(dir, name.replaceAll(key, legacy)));
        path = join(dir, name.replaceAll(key, legacy));
      }
      const stat = lstatSync(path);
      if (stat.isDirectory() && !name.endsWith(".git")) walk(path);
      else if (stat.isFile() && /\.(json|jsonl)$/.test(name)) writeFileSync(path, readFileSync(path, "utf8").replaceAll(key, legacy));
    }
  };
  walk(dataDir);
  if (IS_ROOT) writeFileSync(join(accounts, "passwd"), passwd().replaceAll(key, legacy));
  rmSync(userKeysFileOf(dataDir));
}

it("names homes by a keyed hash, and keeps a user's workspace, session and uid across the upgrade from sha256 names", async () => {
  const first = await (await h.startRun({ userId: alice, text: '[[tool Write {"file_path":"notes.txt","content":"kept"}]]' })).end();
  const sessionId = resultsOf(first)[0]?.sessionId ?? null;
  expect(sessionId).not.toBeNull();
  const key = userKeyOf(h.dataDir, alice);
  const legacy = legacyKeyOf(alice);
  expect(key).not.toBe(legacy);
  expect(readdirSync(join(h.dataDir, "users"))).toEqual([key]);
  const uid = IS_ROOT ? uidOf(key) : undefined;
  if (IS_ROOT) expect(passwd()).toContain(`:relay agent:${userPathsOf(h.dataDir, alice).home}:`);

  await h.vm.close();
  asTheOldVersionLeftIt(h.dataDir, key, legacy);
  expect(readdirSync(join(h.dataDir, "users"))).toEqual([legacy]);
  if (IS_ROOT) expect(passwd()).toContain(`/users/${legacy}/home:`);
  await h.restart();

  // A new secret, so a new key; the old name is gone from DATA_DIR and passwd alike.
  const upgraded = userPathsOf(h.dataDir, alice);
  expect(upgraded.key).not.toBe(legacy);
  expect(readdirSync(join(h.dataDir, "users"))).toEqual([upgraded.key]);
  expect(readFileSync(join(upgraded.workspace, "notes.txt"), "utf8")).toBe("kept");
  if (IS_ROOT) {
    expect(uidOf(upgraded.key)).toBe(uid);
    expect(passwd()).not.toContain(legacy);
    expect(passwd()).toContain(`agent-${uid}:x:${uid}:${uid}:relay agent:${upgraded.home}:/bin/sh`);
  }
  // Claude Code's directory of the workspace (its sessions, its memory) follows the new path.
  const projects = readdirSync(join(upgraded.home, ".claude", "projects"));
  expect(projects.filter((name) => name.includes(legacy))).toEqual([]);
  expect(projects.some((name) => name.endsWith(`-${upgraded.key}-workspace`))).toBe(true);
  const resumed = await (await h.startRun({ userId: alice, sessionId, text: "still there?" })).end();
  expect(resultsOf(resumed)[0]?.text, JSON.stringify(resumed)).toContain("This conversation has 2 user messages");
  expect(existsSync(join(h.dataDir, "users", legacy))).toBe(false);

  // The secret is the server's alone.
  const secretFile = lstatSync(userKeysFileOf(h.dataDir));
  expect([secretFile.uid, secretFile.mode & 0o777]).toEqual([process.getuid?.(), 0o600]);
});
