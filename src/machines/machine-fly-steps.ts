// The steps that make the phone's Machine reachable, each one call (or a few) to the Machines API
// under the connect's deadline: the volume (adopted by name before one is created), the Machine on
// it (a 409 adopts the existing one), a check of its state, and a start under its lease with the
// config updated first when the image or token changed. The machine unit (machine.ts) picks the
// next step from its row (machines/machine-plan.ts nextStep) and runs it here.
import { machineRelayUrl, machineVmTimers, type MachineSettings, type MachineWant } from "./machine-plan";
import { agentMachineConfig, agentVolumeRequest } from "./fly-machine-config";
import { flyRetryDelayMs, leaseRetryAt, nextRegion } from "./fly-retry";
import type { FlyFailure } from "./fly-errors";
import type { FlyMachinesClient, FlyResult } from "./fly-machines";
import type { MachineRepo, MachineRow } from "./machine-repo";
import type { Log } from "../shared/log";

/** Enough for an update, a start or an idle action; Fly ends the lease by itself after it. */
export const LEASE_TTL_S = 60;
export const WAIT_TIMEOUT_S = 60;
const GONE_STATES = new Set(["destroyed", "destroying", "pending_destroy", "failed", "launch_failed"]);
const RETRYABLE = new Set<FlyFailure["failure"]>(["rate_limited", "unavailable", "unreachable", "lease_held"]);

export type StepResult = FlyResult<null>;
/** The present during a connect: the `now` it was given plus the time its awaits took (see stepTime). */
export type Present = () => number;
/** Fly's wait, at most WAIT_TIMEOUT_S and never past the connect's deadline (at least its 1 s minimum). */
const waitSeconds = (t: Present, deadline: number): number => Math.max(1, Math.min(WAIT_TIMEOUT_S, Math.ceil((deadline - t()) / 1000)));
export const done: StepResult = { ok: true, value: null };

export function createMachineSteps(d: {
  repo: MachineRepo;
  fly: FlyMachinesClient;
  settings: MachineSettings & { image: string; regions: readonly string[]; relayUrl?: string | null };
  log: Log;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}) {
  const { repo, fly, settings: s, sleep, random } = d;

  /** Calls the API again after a refusal that passes (429, 5xx, unreachable, a lease held), within `deadline`. */
  async function patiently<T>(t: Present, deadline: number, label: string, call: () => Promise<FlyResult<T>>): Promise<FlyResult<T>> {
    // Waiting out a lease is not a failure to back off from: only refusals count as attempts.
    for (let attempt = 1; ; ) {
      const result = await call();
      if (result.ok || !RETRYABLE.has(result.failure)) return result;
      const now = t();
      const waitMs = result.failure === "lease_held" ? leaseRetryAt(result.leaseExpiresAt ?? now + 1_000, now) - now : flyRetryDelayMs(attempt++, result.retryAfterMs, random);
      if (now + waitMs > deadline) return result;
      d.log("fly_retry", { call: label, failure: result.failure, status: result.status, waitMs });
      await sleep(waitMs);
    }
  }

  const configFor = (volumeId: string, w: MachineWant) =>
    agentMachineConfig({ image: w.image, volumeId, vmToken: w.vmToken, env: { ...machineVmTimers(s.idleMs), ...(machineRelayUrl(s.relayUrl) ? { RELAY_URL: machineRelayUrl(s.relayUrl)! } : {}) } });

  /** The Machine is gone: forget it; if its volume went too, the user's files are lost. */
  async function machineGone(t: Present, deadline: number): Promise<StepResult> {
    const r = repo.patch({ machineId: null, instanceId: null, state: "none" }, t());
    d.log("machine_gone", { machineName: r.machineName });
    if (!r.volumeId) return done;
    const volume = await patiently(t, deadline, "get_volume", () => fly.getVolume(r.volumeId!));
    if (volume.ok && !GONE_STATES.has(volume.value.state)) return done;
    if (!volume.ok && volume.failure !== "not_found") return volume;
    volumeLost(t);
    return done;
  }
  const volumeLost = (t: Present) => {
    const at = t();
    repo.patch({ volumeId: null, machineId: null, instanceId: null, state: "none", volumeLostAt: at }, at);
    d.log("machine_volume_lost", {});
  };

  async function makeVolume(t: Present, r: MachineRow, deadline: number): Promise<StepResult> {
    repo.patch({ intent: "volume" }, t());
    // Adopt before creating: an eviction may have cut a create off after Fly made the volume.
    const listed = await patiently(t, deadline, "list_volumes", () => fly.listVolumes());
    if (!listed.ok) return listed;
    const mine = listed.value.find((v) => v.name === r.volumeName && !GONE_STATES.has(v.state));
    if (mine) {
      repo.patch({ volumeId: mine.id, region: mine.region, intent: null }, t());
      d.log("machine_volume_adopted", { volumeId: mine.id, region: mine.region });
      return done;
    }
    let region: string | null = r.region && s.regions.includes(r.region) ? r.region : (s.regions[0] ?? null);
    while (region) {
      const at = region;
      const created = await patiently(t, deadline, "create_volume", () => fly.createVolume(agentVolumeRequest(r.volumeName, at)));
      if (created.ok) {
        repo.patch({ volumeId: created.value.id, region: created.value.region, intent: null }, t());
        d.log("machine_volume_created", { volumeId: created.value.id, region: created.value.region });
        return done;
      }
      if (created.failure !== "no_capacity") return created;
      // A volume is pinned to its region, and the Machine goes where its volume is.
      d.log("fly_no_capacity", { region: at });
      region = nextRegion(s.regions, at);
    }
    return { ok: false, failure: "no_capacity", message: `no capacity in ${s.regions.join(", ")}` };
  }

  async function makeMachine(t: Present, r: MachineRow, w: MachineWant, deadline: number): Promise<StepResult> {
    repo.patch({ intent: "machine" }, t());
    const created = await patiently(t, deadline, "create_machine", () => fly.createMachine({ name: r.machineName, region: r.region ?? s.regions[0]!, config: configFor(r.volumeId!, w) }));
    let machine = created.ok ? created.value : null;
    if (!created.ok) {
      // The volume named in the config no longer exists.
      if (created.failure === "not_found") return machineGone(t, deadline);
      if (created.failure !== "conflict") return created;
      // The name is taken: this phone's Machine exists already (a create an eviction cut off).
      const listed = await patiently(t, deadline, "list_machines", () => fly.listMachines());
      if (!listed.ok) return listed;
      machine = listed.value.find((m) => m.name === r.machineName && !GONE_STATES.has(m.state)) ?? null;
      if (!machine) return created;
      d.log("machine_adopted", { machineId: machine.id, state: machine.state });
    } else d.log("machine_created", { machineId: machine!.id, region: machine!.region, image: w.image });
    const m = machine!;
    repo.patch({ machineId: m.id, instanceId: m.instance_id, region: m.region, image: m.config.image, vmToken: m.config.env?.["VM_TOKEN"] ?? w.vmToken, state: "unknown", intent: null }, t());
    return done;
  }

  /** Looks at the Machine and records its state, waiting through a start under way. */
  async function check(t: Present, r: MachineRow, deadline: number, bootedAt: number): Promise<StepResult> {
    const got = await patiently(t, deadline, "get_machine", () => fly.getMachine(r.machineId!));
    if (!got.ok) return got.failure === "not_found" ? machineGone(t, deadline) : got;
    const m = got.value;
    if (GONE_STATES.has(m.state)) return machineGone(t, deadline);
    if (m.state === "suspended" || m.state === "stopped") {
      repo.patch({ state: m.state, instanceId: m.instance_id }, t());
      return done;
    }
    if (m.state === "suspending" || m.state === "stopping") {
      const settled = m.state === "suspending" ? "suspended" : "stopped";
      const waited = await fly.waitMachine(m.id, { state: settled, instanceId: m.instance_id, timeoutSeconds: waitSeconds(t, deadline) });
      if (!waited.ok) return waited;
      repo.patch({ state: settled, instanceId: m.instance_id }, t());
      return done;
    }
    if (m.state !== "started") {
      const waited = await fly.waitMachine(m.id, { state: "started", timeoutSeconds: waitSeconds(t, deadline) });
      if (!waited.ok) return waited.failure === "not_found" ? machineGone(t, deadline) : waited;
    }
    const startedAt = t();
    const coldStartMs = bootedAt === 0 ? null : startedAt - bootedAt;
    repo.patch({ state: "started", instanceId: m.instance_id, startedAt, coldStartMs: coldStartMs ?? r.coldStartMs, usedAt: startedAt }, t());
    d.log("machine_started", { machineId: m.id, coldStartMs, previousState: m.state });
    return done;
  }

  /** Starts a suspended or stopped Machine under its lease, with the wanted image and token. */
  async function start(t: Present, r: MachineRow, w: MachineWant, update: boolean, deadline: number): Promise<StepResult> {
    const lease = await patiently(t, deadline, "lease", () => fly.acquireLease(r.machineId!, LEASE_TTL_S));
    if (!lease.ok) return lease.failure === "not_found" ? machineGone(t, deadline) : lease;
    const nonce = lease.value.nonce;
    try {
      if (update) {
        // Between runs only: a started Machine is never updated, so a run never loses its VM.
        const updated = await patiently(t, deadline, "update_machine", () => fly.updateMachine(r.machineId!, { config: configFor(r.volumeId!, w), skip_launch: true }, nonce));
        if (!updated.ok) return updated.failure === "not_found" ? machineGone(t, deadline) : updated;
        repo.patch({ image: w.image, vmToken: w.vmToken, instanceId: updated.value.instance_id }, t());
        d.log("machine_updated", { machineId: r.machineId, image: w.image, tokenChanged: r.vmToken !== w.vmToken });
      }
      const started = await patiently(t, deadline, "start_machine", () => fly.startMachine(r.machineId!, nonce));
      // 412: it is starting or started already (Fly's proxy may have woken it): the check says which.
      if (!started.ok && started.failure !== "conflict") return started.failure === "not_found" ? machineGone(t, deadline) : started;
    } finally {
      await fly.releaseLease(r.machineId!, nonce);
    }
    repo.patch({ state: "unknown" }, t());
    return done;
  }

  return { makeVolume, makeMachine, check, start };
}
