// What the stand-in keeps on disk so that its Machines and volumes outlive it, as Fly's do: a
// stand-in started again on the same data directory (the next `npm start -- --machines`) knows
// them. Their processes died with the old stand-in, so each Machine comes back as a host
// restart would leave it: not running. Pure: the schema and the rules; the file is the shell's.
import { z } from "zod";
import { type MachineRecord, MACHINE_STATES, type VolumeRecord } from "./machine-view";
import { MachineConfigSchema } from "./schemas";

const EventSchema = z.object({
  type: z.string(),
  status: z.string(),
  source: z.enum(["user", "flyd"]),
  timestamp: z.number(),
  request: z.record(z.string(), z.unknown()).optional(),
});

const LeaseSchema = z.object({ nonce: z.string(), expiresAt: z.number(), owner: z.string(), description: z.string(), version: z.string() });

const MachineRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{14}$/),
  app: z.string(),
  name: z.string(),
  region: z.string(),
  state: z.enum(MACHINE_STATES),
  instanceId: z.string(),
  config: MachineConfigSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  events: z.array(EventSchema),
  lease: LeaseSchema.nullable(),
});

const VolumeRecordSchema = z.object({
  id: z.string().regex(/^vol_[0-9a-z]{16}$/),
  app: z.string(),
  name: z.string(),
  region: z.string(),
  sizeGb: z.number(),
  encrypted: z.boolean(),
  state: z.enum(["created", "destroyed"]),
  attachedMachineId: z.string().nullable(),
  createdAt: z.number(),
  snapshotRetention: z.number(),
  autoBackupEnabled: z.boolean(),
});

export const SavedStateSchema = z.object({
  version: z.literal(1),
  machines: z.array(MachineRecordSchema),
  volumes: z.array(VolumeRecordSchema),
});
export type SavedState = { version: 1; machines: MachineRecord[]; volumes: VolumeRecord[] };

/** Where a Machine stands once its stand-in is back: nothing of the old processes runs. */
export function afterRestart(record: MachineRecord, now: number): MachineRecord {
  const back = structuredClone(record);
  const exit = (state: "stopped" | "destroyed") => {
    back.state = state;
    back.updatedAt = now;
    back.events.unshift({ type: "exit", status: state, source: "flyd", timestamp: now, request: { reason: "the stand-in restarted" } });
  };
  switch (record.state) {
    // A move under way when the host went finishes as the host leaves it.
    case "starting":
    case "started":
    case "stopping":
    case "suspending":
      exit("stopped");
      break;
    case "destroying":
      exit("destroyed");
      break;
    // Created, stopped and destroyed are as they were. A suspended Machine stays suspended; its
    // snapshot (the frozen processes) is gone, so its next start is a cold boot, as after Fly
    // drops a snapshot.
    default:
      break;
  }
  return back;
}
