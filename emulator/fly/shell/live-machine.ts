// A Machine as the stand-in holds it: its record (what Fly's API shows) and the host's side of it,
// its process, port and snapshot, its restarts, and the one chain its operations run on.
import type { MachineRecord } from "../core/machine-view";
import type { MachineProcess } from "./machine-process";

export type LiveMachine = {
  record: MachineRecord;
  process: MachineProcess | null;
  port: number | null;
  /** A suspended Machine's frozen tree is its snapshot; false once Fly would have dropped it. */
  snapshot: boolean;
  dropNextSnapshot: boolean;
  restarts: number;
  chain: Promise<void>;
  waiters: Set<() => void>;
};
