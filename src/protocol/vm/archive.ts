// A user's archive on the VM: the parts it prepares for R2, and the restore from parts put back.
// Part of the relay-to-VM protocol, which both sides import (docs/protocol.md, docs/vm.md).
import * as z from "zod/mini";

/** A part's name: one safe path segment, stable for what it holds (`workspace-<id>.tar`, `sessions.tar`, `settings.tar`). */
export const ArchivePartNameSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, "part names are 1-80 of [a-z0-9._-], starting with a letter or digit"));

export const ArchivePartSchema = z.object({
  name: ArchivePartNameSchema,
  bytes: z.number().check(z.int(), z.nonnegative()),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, "sha256 is 64 lowercase hex digits")),
});
export type ArchivePart = z.infer<typeof ArchivePartSchema>;

/** `POST /users/:user/archive`'s answer; also the body of `POST /users/:user/archive/restore`. */
export const ArchivePartsSchema = z.object({ parts: z.array(ArchivePartSchema).check(z.minLength(1), z.maxLength(500)) });
export type ArchiveParts = z.infer<typeof ArchivePartsSchema>;

/** `POST /users/:user/archive/restore`'s answer: the workspaces put back and the CLI sessions found again. */
export const ArchiveRestoredSchema = z.object({ workspaces: z.array(z.string()), sessions: z.number().check(z.int(), z.nonnegative()) });
export type ArchiveRestored = z.infer<typeof ArchiveRestoredSchema>;

/** The header a `PUT` of a part carries: the sha256 (hex) its bytes must have. */
export const ARCHIVE_SHA256_HEADER = "x-sha256";

const user = (userId: string) => `/users/${encodeURIComponent(userId)}`;

/** Routes on the VM, behind `Authorization: Bearer <VM_TOKEN>` like the /v1 routes. The user id goes percent-encoded. */
export const ARCHIVE_ROUTES = {
  /** `POST`: prepares the parts (409 while a run is open); `DELETE`: clears prepared and staged parts. */
  archive: (userId: string) => `${user(userId)}/archive`,
  /** `GET`: a prepared part's bytes; `PUT` (with `x-sha256`): a part staged for a restore. */
  part: (userId: string, name: string) => `${user(userId)}/archive/parts/${encodeURIComponent(name)}`,
  /** `POST` `ArchiveParts`: restores from the staged parts (`ArchiveRestored`). */
  restore: (userId: string) => `${user(userId)}/archive/restore`,
  /** `DELETE`: the user's directory on a shared VM, once the relay holds a checked archive. */
  data: (userId: string) => `${user(userId)}/data`,
} as const;

/** The relay's name for `POST /users/:user/archive`'s answer: the parts prepared. */
export const ArchivePreparedSchema = ArchivePartsSchema;
export type ArchivePrepared = ArchiveParts;
