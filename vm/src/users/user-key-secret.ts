// The secret users' keys are made with (core/user-keys.ts): 32 random bytes made once in
// `DATA_DIR/.user-keys.json` (the server's, 600), beside what it names. Not VM_TOKEN: a new token
// would rename every user, and in machines mode each Machine's token derives from the relay's.
// Made with the list of keys of the old layout found on DATA_DIR then, for the start to rename.
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { isUserKey, UserKeysFileSchema, type UserKeysFile } from "../core/user-keys";

/** The directories that name users by key (and `.agent-ids.json`, agent-users.ts). */
export const KEYED_DIRS = ["users", ".permissions", ".checkpoints"] as const;

export const userKeysFileOf = (dataDir: string) => join(dataDir, ".user-keys.json");

function legacyKeysIn(dataDir: string): string[] {
  const keys = new Set<string>();
  for (const dir of KEYED_DIRS) {
    const path = join(dataDir, dir);
    if (!lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const name of readdirSync(path)) if (isUserKey(name)) keys.add(name);
  }
  try {
    const table = JSON.parse(readFileSync(join(dataDir, ".agent-ids.json"), "utf8")) as { users?: Record<string, unknown> };
    for (const key of Object.keys(table.users ?? {})) if (isUserKey(key)) keys.add(key);
  } catch {
    // No record yet, or one agent-users.ts refuses on its own.
  }
  return [...keys].sort();
}

/** Through a temporary file and a rename: a reader never sees half of it. */
export function replaceUserKeysFile(dataDir: string, file: UserKeysFile): void {
  const partial = `${userKeysFileOf(dataDir)}.partial-${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, userKeysFileOf(dataDir));
}

/** Made once: a hard link is exclusive, so of two processes making it at once one file wins for both. */
function create(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file: UserKeysFile = { version: 1, secret: randomBytes(32).toString("hex"), legacy: legacyKeysIn(dataDir) };
  const partial = `${userKeysFileOf(dataDir)}.new-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(partial, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(partial, userKeysFileOf(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(partial, { force: true });
  }
}

/** By the file's inode and change time: a file removed and made again may get the same inode. */
const cache = new Map<string, { version: string; file: UserKeysFile }>();
const versionOf = (stat: { ino: bigint; ctimeNs: bigint; size: bigint }) => `${stat.ino}:${stat.ctimeNs}:${stat.size}`;

/** DATA_DIR's keys file, made on first use. A file that does not parse is never replaced: every key would change. */
export function userKeysOf(dataDir: string): UserKeysFile {
  const path = userKeysFileOf(dataDir);
  let stat = statSync(path, { throwIfNoEntry: false, bigint: true });
  if (!stat) {
    create(dataDir);
    stat = statSync(path, { bigint: true });
  }
  const version = versionOf(stat);
  const cached = cache.get(path);
  if (cached?.version === version) return cached.file;
  const file = UserKeysFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  cache.set(path, { version, file });
  return file;
}
