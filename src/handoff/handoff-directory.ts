// The /handoff codes in the UserDirectory (directory/directory-tables.ts): whose object a code
// belongs to, under the code's HMAC, so the Worker finds it from the code alone.
import type { DirectoryDb, DirectoryTables } from "../directory/directory-tables";
import { createHandoffCodesRepo } from "./handoff-codes-repo";

type HandoffCodes = { codes: ReturnType<typeof createHandoffCodesRepo>; clock: DirectoryDb["clock"] };

export const handoffDirectoryTables = {
  open: ({ sql, clock }): HandoffCodes => ({ codes: createHandoffCodesRepo(sql), clock }),
  rpcs: {
    /** A /handoff code's owner (the PhoneAgent's id), under the code's HMAC, until `expiresAt`. */
    storeHandoffCode({ codes, clock }: HandoffCodes, digest: string, object: string, expiresAt: number): void {
      codes.add(digest, object, expiresAt, clock());
    },

    /** The object a /handoff code belongs to, or null; that object decides whether it still works. */
    handoffCodeOwner({ codes }: HandoffCodes, digest: string): string | null {
      return codes.objectOf(digest);
    },
  },
} satisfies DirectoryTables;
