// Where a user's archive lives in R2 and what its manifest says. Each user's keys sit under the
// SHA-256 of their name, a fixed-length segment, so no user's key is a prefix of another's and no
// part name (one path segment, protocol/vm/archive.ts) can leave it.
import * as z from "zod/mini";
import { ArchivePartSchema, type ArchivePart } from "../protocol/vm/archive";
import { toHex } from "../shared/encoding";

/** The folder of all of one user's archives: `archives/<sha256 of the user's name>/`. */
export async function archiveUserPrefix(user: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`archive:${user}`));
  return `archives/${toHex(new Uint8Array(digest))}/`;
}

/** One archive of the user: a generation (the time it began) of its own, so a new one never mixes with an old one. */
export const archiveFolder = (userPrefix: string, generation: number): string => `${userPrefix}${generation}/`;
export const archivePartKey = (folder: string, name: string): string => `${folder}parts/${name}`;
export const archiveManifestKey = (folder: string): string => `${folder}manifest.json`;

export const ArchiveManifestSchema = z.object({ version: z.literal(1), createdAt: z.number(), parts: z.array(ArchivePartSchema) });
export type ArchiveManifest = z.infer<typeof ArchiveManifestSchema>;

/** What R2 reports of a stored part, held against what the VM declared: the reason it does not match, or null. */
export function partMismatch(part: ArchivePart, stored: { size: number; sha256: string | null } | null): string | null {
  if (!stored) return `${part.name}: not in R2`;
  if (stored.size !== part.bytes) return `${part.name}: ${stored.size} bytes in R2, ${part.bytes} prepared`;
  if (stored.sha256 !== part.sha256) return `${part.name}: checksum differs in R2`;
  return null;
}

/** The archive's size, for /vm. */
export const archiveBytes = (parts: readonly ArchivePart[]): number => parts.reduce((sum, p) => sum + p.bytes, 0);
