// The faults the control API injects (emulator/fly/routes/control-api.ts), carried out on the
// stand-in's Machines and volumes: a Machine or a volume gone behind the relay's back, a suspended
// Machine's snapshot dropped. Fly's own API never does these; tests ask for them.
import { rmSync } from "node:fs";
import type { VolumeRecord } from "../core/machine-view";
import type { LiveMachine } from "./live-machine";

/** What the faults need of the Machines (machines.ts hands its own). */
export type FaultsDeps = {
  machines: Map<string, LiveMachine>;
  volumes: Map<string, VolumeRecord>;
  save: () => void;
  volumeDir: (id: string) => string;
  /** Runs `work` on the Machine's own chain of operations. */
  enqueue: (live: LiveMachine, work: () => Promise<void>) => Promise<void>;
  halt: (live: LiveMachine, signal: NodeJS.Signals, timeoutMs: number) => Promise<void>;
  /** Lets go of its volume and its lease. */
  release: (live: LiveMachine) => void;
  dropSnapshot: (live: LiveMachine) => Promise<void>;
};

export function createMachineFaults(d: FaultsDeps) {
  /** Fault: the Machine is gone behind the relay's back (a host lost): no record, no name, no process. */
  async function vanishMachine(id: string): Promise<boolean> {
    const live = d.machines.get(id);
    if (!live) return false;
    await d.enqueue(live, async () => {
      await d.halt(live, "SIGKILL", 0);
      d.release(live);
      d.machines.delete(id);
      d.save();
      live.waiters.forEach((wake) => wake());
    });
    return true;
  }

  return {
    vanishMachine,

    /** Fault: the volume and its data are gone; a Machine that mounted it went with its host. */
    async vanishVolume(id: string): Promise<boolean> {
      const volume = d.volumes.get(id);
      if (!volume) return false;
      if (volume.attachedMachineId) await vanishMachine(volume.attachedMachineId);
      d.volumes.delete(id);
      d.save();
      rmSync(d.volumeDir(id), { recursive: true, force: true });
      return true;
    },

    /** Fault: Fly discards the snapshot (a deploy, a host migration): the next start is a cold boot. */
    async dropSnapshotOf(id: string): Promise<boolean> {
      const live = d.machines.get(id);
      if (!live) return false;
      if (live.record.state === "suspended") await d.enqueue(live, () => d.dropSnapshot(live));
      else live.dropNextSnapshot = true;
      return true;
    },
  };
}
