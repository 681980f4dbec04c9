// The directory's record of whose Machine and volume names are whose (migrations/directory/
// 0010_machine_owners.sql): written once per user by their object, read whole by /vm and the sweep.
import type { Sql } from "../shared/sql";

export type MachineOwner = { user: string; machineName: string; volumeName: string };
type MachineOwnerRow = { user: string; machine_name: string; volume_name: string };

export function createMachineOwnersRepo(sql: Sql) {
  return {
    /** Records `owner`'s names; whether they were new (a repeat changes nothing). */
    record(owner: MachineOwner, now: number): boolean {
      const known = sql<{ n: number }>`SELECT count(*) AS n FROM machine_owners WHERE machine_name = ${owner.machineName}`[0]!.n > 0;
      if (!known) sql`INSERT INTO machine_owners (machine_name, volume_name, user, recorded_at) VALUES (${owner.machineName}, ${owner.volumeName}, ${owner.user}, ${now})`;
      return !known;
    },
    list(): MachineOwner[] {
      return sql<MachineOwnerRow>`SELECT user, machine_name, volume_name FROM machine_owners ORDER BY user`.map((r) => ({ user: r.user, machineName: r.machine_name, volumeName: r.volume_name }));
    },
  };
}
export type MachineOwnersRepo = ReturnType<typeof createMachineOwnersRepo>;
