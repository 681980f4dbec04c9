// What the machine unit does to a Machine on its own, each under the Machine's lease where Fly
// asks for one: the idle action (suspend, or stop when Fly refuses to suspend) and the retirement
// after MACHINE_RETIRE_DAYS unused (the user told), an admin's /deny stopping it now, and the
// archive's discard of the Machine and its volume. The unit (machine.ts) runs each one at a time.
import { lastUseOf, type MachineChore, type MachineSettings } from "./machine-plan";
import { machineRetiredNotice } from "./machine-replies";
import type { FlyMachinesClient, FlyResult } from "./fly-machines";
import type { MachineRepo, MachineRow } from "./machine-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { Log } from "../shared/log";
import { done, LEASE_TTL_S, WAIT_TIMEOUT_S } from "./machine-fly-steps";

export function createMachineChores(d: {
  repo: MachineRepo;
  fly: FlyMachinesClient;
  settings: MachineSettings;
  runs: { lastEndedAt(): number | null };
  outbox: Pick<OutboxRepo, "add">;
  log: Log;
  /** The unit's row (it throws when there is none: a chore is only due for a Machine). */
  row: () => MachineRow;
}) {
  const { repo, fly, settings: s, row } = d;

  async function doChore(chore: MachineChore, now: number): Promise<FlyResult<null>> {
    const r = row();
    const lease = await fly.acquireLease(r.machineId!, LEASE_TTL_S);
    if (!lease.ok) {
      if (lease.failure !== "not_found") return lease;
      repo.patch({ machineId: null, instanceId: null, state: "none" }, now);
      return done;
    }
    const nonce = lease.value.nonce;
    if (chore.kind === "retire") {
      const destroyed = await fly.destroyMachine(r.machineId!, { force: true }, nonce);
      if (!destroyed.ok && destroyed.failure !== "not_found") {
        await fly.releaseLease(r.machineId!, nonce);
        return destroyed;
      }
      const unusedDays = Math.round(s.retireMs / 86_400_000);
      repo.patch({ machineId: null, instanceId: null, state: "none", retiredAt: now }, now);
      d.outbox.add({ dedupeKey: `machine-retired:${now}`, body: machineRetiredNotice({ unusedDays }), now });
      d.log("machine_retired", { machineId: r.machineId, unusedDays });
      return done;
    }
    try {
      let action = s.idleAction;
      let result = action === "suspend" ? await fly.suspendMachine(r.machineId!, nonce) : await fly.stopMachine(r.machineId!, {}, nonce);
      // Fly refuses to suspend some Machines (too much memory, swap, a schedule): stopping still frees it.
      if (!result.ok && action === "suspend" && (result.failure === "bad_request" || result.failure === "conflict")) {
        d.log("machine_suspend_refused", { detail: result.message });
        action = "stop";
        result = await fly.stopMachine(r.machineId!, {}, nonce);
      }
      if (!result.ok) return result;
      repo.patch({ state: action === "suspend" ? "suspended" : "stopped" }, now);
      d.log(action === "suspend" ? "machine_suspended" : "machine_stopped", { machineId: r.machineId, idleMs: now - (lastUseOf(r, d.runs.lastEndedAt()) ?? now) });
      return done;
    } finally {
      await fly.releaseLease(r.machineId!, nonce);
    }
  }

  /**
   * The archive has every file of the volume, checked in R2 (archive/archive-unit.ts): the Machine is
   * destroyed and the volume deleted. A refusal leaves the row naming what is left, to try again.
   */
  async function discard(now: number): Promise<FlyResult<null>> {
    const r = repo.get();
    if (!r) return done;
    if (r.machineId) {
      const destroyed = await fly.destroyMachine(r.machineId, { force: true });
      if (!destroyed.ok && destroyed.failure !== "not_found") return destroyed;
      // The volume is attached until the Machine is gone: its deletion waits for that.
      if (destroyed.ok) await fly.waitMachine(r.machineId, { state: "destroyed", timeoutSeconds: WAIT_TIMEOUT_S });
      repo.patch({ machineId: null, instanceId: null, state: "none" }, now);
      d.log("machine_destroyed", { machineId: r.machineId, reason: "archived" });
    }
    if (r.volumeId) {
      const deleted = await fly.deleteVolume(r.volumeId);
      if (!deleted.ok && deleted.failure !== "not_found") return deleted;
      d.log("machine_volume_deleted", { volumeId: r.volumeId, reason: "archived" });
    }
    repo.patch({ volumeId: null, retiredAt: null, region: null, intent: null, retryAt: null, failures: 0, lastError: null }, now);
    return done;
  }

  /** An admin's /deny: the Machine stops now (its files stay); the next allowed message starts it. */
  async function stopNow(now: number): Promise<void> {
    const r = repo.get();
    if (!r?.machineId || r.state === "stopped" || r.state === "none") return;
    const lease = await fly.acquireLease(r.machineId, LEASE_TTL_S);
    if (!lease.ok) return void d.log("machine_stop_failed", { failure: lease.failure });
    try {
      const stopped = await fly.stopMachine(r.machineId, {}, lease.value.nonce);
      if (stopped.ok) repo.patch({ state: "stopped" }, now);
      d.log(stopped.ok ? "machine_stopped" : "machine_stop_failed", { machineId: r.machineId, reason: "access_revoked" });
    } finally {
      await fly.releaseLease(r.machineId, lease.value.nonce);
    }
  }

  return { doChore, discard, stopNow };
}
