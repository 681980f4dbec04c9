// The triggers' rows in the UserDirectory (directory/directory-tables.ts): only triggers made before
// doors were listed there (their token's hash); what is left is forgetting one.
import type { DirectoryTables } from "../directory/directory-tables";
import { logEvent } from "../shared/log";
import { createTriggerDirectoryRepo, type TriggerDirectoryRepo } from "./trigger-directory-repo";

export const triggerDirectoryTables = {
  open: ({ sql }) => createTriggerDirectoryRepo(sql),
  rpcs: {
    /**
     * Forgets trigger `id` of `home`, made before doors (its token's hash was kept here; such a
     * trigger's URL no longer opens); whether it was there. Triggers made since are not listed here.
     */
    removeTrigger(triggers: TriggerDirectoryRepo, id: string, home: string): boolean {
      const removed = triggers.remove(id, home);
      if (removed) logEvent("trigger_removed", { object: "UserDirectory", id, home });
      return removed;
    },
  },
} satisfies DirectoryTables;
