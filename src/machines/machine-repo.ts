// The phone's Fly Machine and volume as the relay knows them (VM_MODE=machines): one row, read
// on every request to the VM and written when the Machine is made, started, idled or retired.
import * as z from "zod/mini";
import { memo, type Sql } from "../shared/sql";

const MachineStateSchema = z.enum(["none", "started", "suspended", "stopped", "unknown"]);
export type MachineState = z.infer<typeof MachineStateSchema>;
const IntentSchema = z.nullable(z.enum(["volume", "machine"]));

type MachineRowSql = {
  machine_name: string;
  volume_name: string;
  volume_id: string | null;
  machine_id: string | null;
  region: string | null;
  state: string;
  intent: string | null;
  image: string | null;
  vm_token: string | null;
  instance_id: string | null;
  used_at: number | null;
  started_at: number | null;
  cold_start_ms: number | null;
  retired_at: number | null;
  retry_at: number | null;
  failures: number;
  last_error: string | null;
  volume_lost_at: number | null;
};

export type MachineRow = {
  machineName: string;
  volumeName: string;
  volumeId: string | null;
  machineId: string | null;
  region: string | null;
  state: MachineState;
  intent: "volume" | "machine" | null;
  image: string | null;
  vmToken: string | null;
  instanceId: string | null;
  usedAt: number | null;
  startedAt: number | null;
  coldStartMs: number | null;
  retiredAt: number | null;
  retryAt: number | null;
  failures: number;
  lastError: string | null;
  volumeLostAt: number | null;
};

/** The columns a change may set. */
type MachineChange = Partial<Omit<MachineRow, "machineName" | "volumeName">>;

function toRow(r: MachineRowSql): MachineRow {
  return {
    machineName: r.machine_name,
    volumeName: r.volume_name,
    volumeId: r.volume_id,
    machineId: r.machine_id,
    region: r.region,
    state: MachineStateSchema.parse(r.state),
    intent: IntentSchema.parse(r.intent),
    image: r.image,
    vmToken: r.vm_token,
    instanceId: r.instance_id,
    usedAt: r.used_at,
    startedAt: r.started_at,
    coldStartMs: r.cold_start_ms,
    retiredAt: r.retired_at,
    retryAt: r.retry_at,
    failures: r.failures,
    lastError: r.last_error,
    volumeLostAt: r.volume_lost_at,
  };
}

export function createMachineRepo(sql: Sql) {
  /** The row, or null before the phone's first use of a Machine. Asked on every VM request. */
  const get = memo(sql, (): MachineRow | null => {
    const row = sql<MachineRowSql>`SELECT * FROM machine WHERE id = 1`[0];
    return row ? toRow(row) : null;
  });
  return {
    get,
    /** The names, fixed once: later calls keep the first ones. */
    claimNames(names: { machine: string; volume: string }, now: number): void {
      sql`INSERT INTO machine (id, machine_name, volume_name, updated_at) VALUES (1, ${names.machine}, ${names.volume}, ${now})
        ON CONFLICT (id) DO NOTHING`;
    },
    /**
     * Sets the given fields on the row as it is now (never on a copy read before an await), in
     * one statement. The row must exist (claimNames first).
     */
    patch(change: MachineChange, now: number): MachineRow {
      const current = get();
      if (!current) throw new Error("machine row missing: claimNames first");
      const r = { ...current, ...change };
      sql`UPDATE machine SET volume_id = ${r.volumeId}, machine_id = ${r.machineId}, region = ${r.region}, state = ${r.state},
          intent = ${r.intent}, image = ${r.image}, vm_token = ${r.vmToken}, instance_id = ${r.instanceId}, used_at = ${r.usedAt},
          started_at = ${r.startedAt}, cold_start_ms = ${r.coldStartMs}, retired_at = ${r.retiredAt}, retry_at = ${r.retryAt},
          failures = ${r.failures}, last_error = ${r.lastError}, volume_lost_at = ${r.volumeLostAt}, updated_at = ${now}
        WHERE id = 1`;
      return r;
    },
  };
}
export type MachineRepo = ReturnType<typeof createMachineRepo>;
