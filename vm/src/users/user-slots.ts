// The slots' record on DATA_DIR (core/user-slots.ts): `.user-slots.json`, the server's own (600,
// outside every user's tree), replaced whole through a rename. Read at every user key's lookup
// (user-paths.ts userKeyOf), so it is kept in memory and read again only when the file changed.
import { randomBytes } from "node:crypto";
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunOptions } from "../../../src/protocol/vm/runs";
import { isUserKey } from "../core/user-keys";
import { atFirstRun, keyThrough, NO_SLOTS, type Served, templateOf, type UserSlots, UserSlotsSchema } from "../core/user-slots";
import { replaceFile } from "./replace-file";

const FILE = ".user-slots.json";
const cache = new Map<string, { stamp: string; slots: UserSlots }>();

const fileOf = (dataDir: string) => join(dataDir, FILE);

/** The record as it is on disk now (none yet: no slot). A record that does not parse is never replaced: users' keys would move. */
export function slotsOf(dataDir: string): UserSlots {
  const path = fileOf(dataDir);
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return NO_SLOTS;
  const stamp = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  const known = cache.get(dataDir);
  if (known?.stamp === stamp) return known.slots;
  if (!stat.isFile()) throw new Error(`${path} is not a file`);
  const slots = UserSlotsSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  cache.set(dataDir, { stamp, slots });
  return slots;
}

function save(dataDir: string, slots: UserSlots): void {
  replaceFile(fileOf(dataDir), `${JSON.stringify(slots, null, 2)}\n`, 0o600);
  cache.delete(dataDir);
}

/** The key that names a user's things, from their own (keyed hash) key: the slot bound to it, else itself. */
export function keyOf(dataDir: string, ownKey: string): string {
  return keyThrough(slotsOf(dataDir), ownKey);
}

/**
 * At a user's run: binds their own key to the ready slot when they are new to the VM and may take
 * it (core/user-slots.ts atFirstRun). "bound": they did; "replaced": they did not, and their
 * options replaced the slot's (the slot's spare has the old ones); null: nothing changed.
 */
export function bindNewUser(dataDir: string, ownKey: string, options: RunOptions, served: () => Served): "bound" | "replaced" | null {
  if (!isUserKey(ownKey)) return null;
  const slots = slotsOf(dataDir);
  // A user the VM knows (bound, or a tree of their own) changes nothing: whom the VM has served,
  // a read of the users' folder, is asked only for a user new to it, off every later run's way.
  if (ownKey in slots.bound || lstatSync(join(dataDir, "users", ownKey), { throwIfNoEntry: false }) !== undefined) return null;
  const after = atFirstRun(slots, served(), ownKey, false, options);
  if (!after) return null;
  // A new user's first run carries the relay's defaults: the next slot's spare starts with them.
  save(dataDir, after.slots);
  return after.bound ? "bound" : "replaced";
}

/** The slot waiting for the next new user, made (and recorded before anything is made for it) when there is none. */
export function readySlot(dataDir: string): string {
  const slots = slotsOf(dataDir);
  if (slots.ready !== null) return slots.ready;
  // 256 random bits: no user's keyed hash is ever one, and it says nothing of anyone.
  const ready = randomBytes(32).toString("hex");
  save(dataDir, { ...slots, ready });
  return ready;
}

/** The options the slot's spare starts with: the last new user's first run's, else `fallback` (recorded as such). */
export function slotTemplate(dataDir: string, fallback: RunOptions | null): RunOptions | null {
  const slots = slotsOf(dataDir);
  if (slots.template !== null) return slots.template;
  const template = fallback ? templateOf(fallback) : null;
  if (template) save(dataDir, { ...slots, template });
  return template;
}
