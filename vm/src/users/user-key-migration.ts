// Once, at the first start with keyed user keys: everything DATA_DIR named by an old key (the
// sha256 of the user id) is renamed to its keyed one, the user's tree, sessions and uid with it.
// Each step is a rename that is skipped once done, so a start cut short is finished by the next;
// the list of old keys (user-key-secret.ts) is emptied only when all are.
import { lstatSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { replaceFile, tablePathOf } from "./agent-users";
import { doAsUserSync } from "./as-user";
import { AgentIdTableSchema } from "../core/agent-ids";
import { keyOfLegacy, renamedProjectDir, renamedRunMeta } from "../core/user-keys";
import { KEYED_DIRS, replaceUserKeysFile, userKeysOf } from "./user-key-secret";

const isDir = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
const exists = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/**
 * Claude Code keeps a workspace's sessions and memory under `~/.claude/projects/<its path>`: those
 * of the old paths are renamed for the new ones. Only real directories all the way (lstat, no
 * link followed), and never onto a name that exists; agents of the previous process are ended
 * before this runs (agent-records.ts), and a name holds this user's own key in either case. The
 * renames are done as the HOME's owner (as-user.ts): root never renames by path in a tree an
 * agent can change, and may lack CAP_DAC_OVERRIDE to (the image).
 */
function renameSessions(home: string, legacyKey: string, key: string): void {
  const projects = join(home, ".claude", "projects");
  if (![home, join(home, ".claude"), projects].every(isDir)) return;
  const { uid, gid } = lstatSync(home);
  const owner = uid === process.getuid?.() ? null : { uid, gid };
  for (const name of readdirSync(projects)) {
    const renamed = renamedProjectDir(name, legacyKey, key);
    if (!renamed || !isDir(join(projects, name)) || exists(join(projects, renamed))) continue;
    try {
      doAsUserSync(owner, [{ op: "moveInto", from: join(projects, name), to: join(projects, renamed), mode: 0o700 }]);
    } catch (error) {
      console.warn(`vm: ${join(projects, name)} left as it is: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Renames every old key on DATA_DIR; returns how many users moved (0 once done). */
export function migrateUserKeys(dataDir: string): number {
  const file = userKeysOf(dataDir);
  if (file.legacy.length === 0) return 0;
  const keys = new Map(file.legacy.map((legacy) => [legacy, keyOfLegacy(file.secret, legacy)] as const));

  for (const [legacy, key] of keys) {
    for (const dir of KEYED_DIRS) {
      const from = join(dataDir, dir, legacy);
      const to = join(dataDir, dir, key);
      if (!exists(from)) continue;
      if (!exists(to)) renameSync(from, to);
      // Both: the new one was made before this ran (never by the VM, which renames first); the old is left for the operator.
      else console.warn(`vm: ${from} left as it is: ${to} exists already`);
    }
    renameSessions(join(dataDir, "users", key, "home"), legacy, key);
  }

  // The uid record: each user keeps its uid under the new key (its passwd line follows at openAgentUsers).
  const tablePath = tablePathOf(dataDir);
  const tableText = exists(tablePath) ? readFileSync(tablePath, "utf8") : "";
  if (tableText !== "") {
    const table = AgentIdTableSchema.parse(JSON.parse(tableText));
    const users = Object.fromEntries(Object.entries(table.users).map(([k, uid]) => [keys.get(k) ?? k, uid]));
    replaceFile(tablePath, `${JSON.stringify({ ...table, users }, null, 2)}\n`, 0o600);
  }

  // Run logs say whose run each is: a retried run of before the upgrade stays the same user's.
  const runs = join(dataDir, ".runs");
  if (isDir(runs)) {
    for (const name of readdirSync(runs)) {
      if (!name.endsWith(".meta.json")) continue;
      const renamed = renamedRunMeta(readFileSync(join(runs, name), "utf8"), keys);
      if (renamed !== null) replaceFile(join(runs, name), renamed, 0o600);
    }
  }

  replaceUserKeysFile(dataDir, { ...file, legacy: [] });
  return keys.size;
}
