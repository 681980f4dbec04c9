// The VM's archive routes and bodies: a user's workspaces and sessions as parts the relay moves to
// R2 and back (docs/fly-machines.md, "Archiving idle users"). Part of the relay-to-VM protocol.
import * as z from "zod/mini";

/**
 * A part's name: one path segment of letters, digits, `.`, `_`, `-`, not starting with a dot. It
 * becomes the last segment of an R2 key under the user's own prefix, so it can never climb out of it.
 */
export const ArchivePartNameSchema = z.string().check(z.regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/, "a part's name is one path segment"));
const Sha256HexSchema = z.string().check(z.regex(/^[0-9a-f]{64}$/, "sha256 as 64 lowercase hex digits"));

export const ArchivePartSchema = z.object({ name: ArchivePartNameSchema, bytes: z.number().check(z.int(), z.minimum(0)), sha256: Sha256HexSchema });
export type ArchivePart = z.infer<typeof ArchivePartSchema>;

/** `POST /users/:user/archive`: the parts prepared (409 while a run of the user is open). */
export const ArchivePreparedSchema = z.object({ parts: z.array(ArchivePartSchema).check(z.minLength(1), z.maxLength(1000)) });
export type ArchivePrepared = z.infer<typeof ArchivePreparedSchema>;

/** `POST /users/:user/archive/restore` `{ parts }`: what came back. Idempotent. */
export const ArchiveRestoredSchema = z.object({ workspaces: z.array(z.string()), sessions: z.number().check(z.int(), z.minimum(0)) });
export type ArchiveRestored = z.infer<typeof ArchiveRestoredSchema>;

/** The header of a part's PUT: its sha256; the VM answers 400 when the bytes do not match. */
export const ARCHIVE_SHA256_HEADER = "x-sha256";

const user = (userId: string) => `/users/${encodeURIComponent(userId)}`;
export const ARCHIVE_ROUTES = {
  /** `POST`: prepares the parts; `DELETE`: clears prepared parts. */
  archive: (userId: string) => `${user(userId)}/archive`,
  /** `GET`: a prepared part's bytes (Content-Length set); `PUT`: a part to restore, streamed. */
  part: (userId: string, name: string) => `${user(userId)}/archive/parts/${encodeURIComponent(name)}`,
  /** `POST` `{ parts }`: puts the user's workspaces and sessions back from the parts PUT before. */
  restore: (userId: string) => `${user(userId)}/archive/restore`,
  /** `DELETE`: shared mode: the user's directory leaves the shared volume (the archive checked first). */
  data: (userId: string) => `${user(userId)}/data`,
} as const;
