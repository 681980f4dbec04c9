// Whose Machine is whose, in the UserDirectory (directory/directory-tables.ts): the names each
// user's object claimed before making its Machine and volume, which /vm sweep spares.
import type { DirectoryDb, DirectoryTables } from "../directory/directory-tables";
import { logEvent } from "../shared/log";
import { createMachineOwnersRepo, type MachineOwner } from "./machine-owners-repo";

type MachineOwners = { owners: ReturnType<typeof createMachineOwnersRepo>; clock: DirectoryDb["clock"] };

export const machineOwnersDirectoryTables = {
  open: ({ sql, clock }): MachineOwners => ({ owners: createMachineOwnersRepo(sql), clock }),
  rpcs: {
    /** VM_MODE=machines: `owner`'s object is about to make its Machine and volume under these names. */
    recordMachineOwner({ owners, clock }: MachineOwners, owner: MachineOwner): void {
      if (owners.record(owner, clock())) logEvent("machine_owner_recorded", { object: "UserDirectory", user: owner.user, machineName: owner.machineName });
    },

    /** Every Machine and volume name a user's object ever claimed: what /vm sweep spares. */
    listMachineOwners({ owners }: MachineOwners): MachineOwner[] {
      return owners.list();
    },
  },
} satisfies DirectoryTables;
