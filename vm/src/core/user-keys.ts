// A user's key, the name of everything of theirs on DATA_DIR: a keyed hash (HMAC-SHA256 under the
// VM's own secret) of the sha256 of the user id. The plain sha256 that named them before is in
// `/etc/passwd` (every agent's HOME) and falls to a brute force of phone numbers in minutes; the
// keyed one says nothing without the secret. Keyed over the old key, not the id, so a directory of
// the old layout is renamed at start without knowing whose it is.
import { createHash, createHmac } from "node:crypto";
import * as z from "zod";

const KEY = /^[0-9a-f]{64}$/;
export const UserKeySchema = z.string().regex(KEY);

/** `DATA_DIR/.user-keys.json` (root, 600): the secret, and the old keys still to rename (emptied once done). */
export const UserKeysFileSchema = z.object({
  version: z.literal(1),
  secret: UserKeySchema,
  legacy: z.array(UserKeySchema),
});
export type UserKeysFile = z.infer<typeof UserKeysFileSchema>;

/** The key of the old layout: the sha256 of the user id. */
export function legacyKeyOf(userId: string): string {
  return createHash("sha256").update(userId, "utf8").digest("hex");
}

/** The key a directory of the old layout moves to. */
export function keyOfLegacy(secret: string, legacyKey: string): string {
  if (!KEY.test(legacyKey)) throw new Error(`not a user key: ${JSON.stringify(legacyKey)}`);
  return createHmac("sha256", Buffer.from(secret, "hex")).update(legacyKey, "utf8").digest("hex");
}

export function userKeyOf(secret: string, userId: string): string {
  return keyOfLegacy(secret, legacyKeyOf(userId));
}

export function isUserKey(name: string): boolean {
  return KEY.test(name);
}

/**
 * Claude Code keeps a session under `~/.claude/projects/<its working directory, every character
 * but letters and digits as "-">`: a directory naming the old key, renamed for the new one (the
 * key is letters and digits, so it stands in the name unchanged). Null: not one of the user's.
 */
export function renamedProjectDir(name: string, legacyKey: string, key: string): string | null {
  const marker = `-${legacyKey}-`;
  return name.includes(marker) ? name.replace(marker, `-${key}-`) : null;
}

/** Every `"userKey":"<old>"` of a run's meta file, for the new key. Null: not this user's run. */
export function renamedRunMeta(text: string, keys: ReadonlyMap<string, string>): string | null {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof meta !== "object" || meta === null || !("userKey" in meta) || typeof meta.userKey !== "string") return null;
  const key = keys.get(meta.userKey);
  return key ? JSON.stringify({ ...meta, userKey: key }) : null;
}
