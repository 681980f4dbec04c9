// The phone's own Fly Machine and volume (VM_MODE=machines). Before any request to the VM it
// makes the Machine reachable: the volume first (adopted by name if one exists), then the Machine
// on it (a second create answers 409 and the existing one is adopted), or a start of a suspended
// or stopped one, its config updated first when the image or the relay's VM_TOKEN changed. On
// its own (the alarm) it suspends or stops the Machine after MACHINE_IDLE_MS with no run,
// destroys it after MACHINE_RETIRE_DAYS unused and tells the user; the volume goes only when the
// archive unit has checked its files in R2 and calls discard(). It alone writes the `machine` row; every change of a Machine holds its lease.
// The directory learns the Machine's and volume's names before either is made (recordOwner):
// /vm sweep reads them there, never waiting on this object.
import { lastUseOf, machineVmTimers, type MachineChore, type MachineSettings, type MachineWant, nextChore, nextStep } from "../../core/machine-plan";
import { agentMachineConfig, agentVolumeRequest } from "../../core/fly-machine-config";
import { type FlyNames, flyResourceNames, machineVmToken } from "../../core/fly-identity";
import { flyRetryDelayMs, leaseRetryAt, nextRegion } from "../../core/fly-retry";
import type { FlyFailure } from "../../core/fly-errors";
import { MACHINE_FILES_LOST, machineRetiredNotice } from "../../core/replies/machine";
import type { FlyMachinesClient, FlyResult } from "../clients/fly-machines";
import type { MachineView } from "../../core/machine-report";
import type { MachineRepo, MachineRow } from "../db/machine-repo";
import type { OutboxRepo } from "../db/outbox-repo";
import type { Log } from "../../core/log";
import { stepTime } from "../../core/step-time";
import type { Clock } from "../../core/clock";

export type MachineUnitSettings = MachineSettings & {
  image: string;
  /** FLY_REGIONS, in order of preference. */
  regions: readonly string[];
  /** FLY_PROXY_URL: where run requests go, naming the Machine in `fly-force-instance-id`. */
  proxyUrl: string;
  /** The relay's VM_TOKEN: each Machine's own token is derived from it (core/fly-identity.ts). */
  relayVmToken: string;
};

/** Where the VM is reached, or why it cannot be now. */
export type VmConnect = { ok: true; url: string; token: string; headers: Record<string, string> } | { ok: false; detail: string };

/** A request waits this long at most for the Machine (API retries, a lease, a start). */
const CONNECT_BUDGET_MS = 90_000;
/** Enough for an update, a start or an idle action; Fly ends the lease by itself after it. */
const LEASE_TTL_S = 60;
const WAIT_TIMEOUT_S = 60;
/** The last-use time is written at most this often: idleness is counted in minutes. */
const USED_WRITE_EVERY_MS = 30_000;
/** Steps one connect may take (volume, create, check, start, check…) before it gives up. */
const MAX_STEPS = 8;
const GONE_STATES = new Set(["destroyed", "destroying", "pending_destroy", "failed", "launch_failed"]);
const RETRYABLE = new Set<FlyFailure["failure"]>(["rate_limited", "unavailable", "unreachable", "lease_held"]);

type StepResult = FlyResult<null>;
/** The present during a connect: the `now` it was given plus the time its awaits took (see stepTime). */
type Present = () => number;
/** Fly's wait, at most WAIT_TIMEOUT_S and never past the connect's deadline (at least its 1 s minimum). */
const waitSeconds = (t: Present, deadline: number): number => Math.max(1, Math.min(WAIT_TIMEOUT_S, Math.ceil((deadline - t()) / 1000)));
const isReady = (r: MachineRow | null): boolean => r?.state === "started" && !!r.machineId && !!r.vmToken;
const done: StepResult = { ok: true, value: null };

export function createMachineUnit(d: {
  repo: MachineRepo;
  fly: FlyMachinesClient;
  settings: MachineUnitSettings;
  phone: string;
  runs: { isOpen(): boolean; lastEndedAt(): number | null };
  outbox: Pick<OutboxRepo, "add">;
  /** Records in the directory that these names are this user's; false when it did not answer. */
  recordOwner: (names: FlyNames) => Promise<boolean>;
  log: Log;
  /** Dates what follows an await from the `now` an entry point was given (see stepTime); read by itself only where a caller brings no `now` (a request's connect, a failed request). */
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}) {
  const { repo, fly, settings: s, clock } = d;
  const sleep = d.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = d.random ?? Math.random;
  let want: Promise<MachineWant> | null = null;
  const wanted = () => (want ??= machineVmToken(s.relayVmToken, d.phone).then((vmToken) => ({ image: s.image, vmToken })));

  // One thing at a time on the Machine: three messages at once make one Machine, and an idle
  // action never races a start.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const row = (): MachineRow => {
    const r = repo.get();
    if (!r) throw new Error("machine row missing");
    return r;
  };
  // Once per instance (again after a failure): a row made before the directory kept owners is recorded on its next use.
  let ownerRecord: Promise<boolean> | null = null;
  const recordOwner = (names: FlyNames): Promise<boolean> =>
    (ownerRecord ??= d.recordOwner(names).then((ok) => {
      if (!ok) ownerRecord = null;
      return ok;
    }));
  /** The row, its names claimed first; null when the directory did not record them (nothing is made unrecorded). */
  const ensureRow = async (t: Present): Promise<MachineRow | null> => {
    const existing = repo.get();
    if (existing) {
      // Recorded before it was made, or older than the record (the sweep derives its names): no request waits for this.
      void recordOwner({ machine: existing.machineName, volume: existing.volumeName });
      return existing;
    }
    const names = await flyResourceNames(s.relayVmToken, d.phone);
    if (!(await recordOwner(names))) return null;
    repo.claimNames(names, t());
    return row();
  };

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
    agentMachineConfig({ image: w.image, volumeId, vmToken: w.vmToken, env: machineVmTimers(s.idleMs) });

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

  function connected(r: MachineRow, now: number): VmConnect {
    if (r.usedAt === null || now - r.usedAt >= USED_WRITE_EVERY_MS) repo.patch({ usedAt: now, failures: 0, retryAt: null, lastError: null }, now);
    if (r.volumeLostAt !== null) {
      // Said once, when the new Machine answers: the user's projects and sessions went with the disk.
      d.outbox.add({ dedupeKey: `machine-files-lost:${r.volumeLostAt}`, body: MACHINE_FILES_LOST, now });
      repo.patch({ volumeLostAt: null }, now);
    }
    return { ok: true, url: s.proxyUrl, token: r.vmToken!, headers: { "fly-force-instance-id": r.machineId! } };
  }

  async function connectNow(t: Present, deadline: number): Promise<VmConnect> {
    const w = await wanted();
    const startedAt = t();
    // Set once this connect made or started the Machine: its cold start is timed to "started".
    let bootedAt = 0;
    let last: StepResult = done;
    for (let i = 0; i < MAX_STEPS; i++) {
      const r = await ensureRow(t);
      if (!r) {
        last = { ok: false, failure: "unavailable", message: "the directory did not record the Machine's owner" };
        break;
      }
      const step = nextStep(r, w);
      if (step.step === "ready") return connected(r, t());
      // Past its deadline the caller has given up: no further step is begun for it.
      if (t() >= deadline) {
        last = { ok: false, failure: "unavailable", message: "the deadline passed before the Machine was reachable" };
        break;
      }
      if ((step.step === "create" || step.step === "start") && bootedAt === 0) bootedAt = startedAt;
      last =
        step.step === "volume" ? await makeVolume(t, r, deadline)
        : step.step === "create" ? await makeMachine(t, r, w, deadline)
        : step.step === "check" ? await check(t, r, deadline, bootedAt)
        : await start(t, r, w, step.update, deadline);
      if (!last.ok) break;
    }
    const detail = last.ok ? "the Machine did not settle" : `${last.failure}${last.status ? ` ${last.status}` : ""}: ${last.message ?? ""}`.trim();
    if (repo.get()) repo.patch({ lastError: detail.slice(0, 300) }, t());
    d.log("machine_unreachable", { detail });
    return { ok: false, detail };
  }

  const dueChore = (now: number): MachineChore | null => nextChore(repo.get(), { runOpen: d.runs.isOpen(), lastRunEndedAt: d.runs.lastEndedAt() }, s);

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

  return {
    name: "machine",
    /** Where requests to the VM go now, starting or making the Machine first when it must. */
    /** Whether requests go through now with no API call and no wait (the Machine last seen started). */
    ready: (): boolean => isReady(repo.get()),
    /**
     * Where requests to the VM go now, starting or making the Machine first when it must, by
     * `deadline` at most. A run brings its own `now` and deadline (its connect phase,
     * core/run-lifecycle.ts); any other request reads the clock here and has CONNECT_BUDGET_MS.
     */
    connect: (at?: { now: number; deadline: number }): Promise<VmConnect> => {
      const r = repo.get();
      const now = at?.now ?? clock();
      // The warm path: a Machine last seen started takes requests with no API call and no wait.
      if (isReady(r)) return Promise.resolve(connected(r!, now));
      // Measured from now: a connect queued behind another thing on the Machine spends its deadline waiting too.
      const t = stepTime(now, clock);
      return exclusive(() => connectNow(t, at?.deadline ?? now + CONNECT_BUDGET_MS));
    },
    /** A request through the proxy failed: the next one looks at the Machine first. */
    unreachable(): void {
      const r = repo.get();
      if (r?.state === "started") repo.patch({ state: "unknown" }, clock());
    },
    /** Not kept in due_times: the chore due depends on the open runs and on how long the Machine has been idle at `now`. */
    nextDueAt(now: number): number | null {
      return dueChore(now)?.at ?? null;
    },
    runDue(now: number): Promise<void> {
      return exclusive(async () => {
        const chore = dueChore(now);
        if (!chore || chore.at > now) return;
        const r = row();
        await recordOwner({ machine: r.machineName, volume: r.volumeName });
        const result = await doChore(chore, now);
        if (result.ok) {
          repo.patch({ retryAt: null, failures: 0, lastError: null }, now);
          return;
        }
        const failures = row().failures + 1;
        const retryAt = result.failure === "lease_held" && result.leaseExpiresAt ? leaseRetryAt(result.leaseExpiresAt, now) : now + flyRetryDelayMs(Math.min(failures, 10), result.retryAfterMs, random);
        repo.patch({ retryAt, failures, lastError: `${chore.kind}: ${result.failure} ${result.message ?? ""}`.trim().slice(0, 300) }, now);
        d.log("machine_chore_failed", { chore: chore.kind, failure: result.failure, retryAt });
      });
    },
    /**
     * The archive has every file of the volume, checked in R2 (units/archive.ts): the Machine is
     * destroyed and the volume deleted. A refusal leaves the row naming what is left, to try again.
     */
    discard(now: number): Promise<FlyResult<null>> {
      return exclusive(async () => {
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
      });
    },
    /** Whether the user has a volume (or a Machine) whose files the archive would keep. */
    hasFiles: (): boolean => !!repo.get()?.volumeId,
    /** When the Machine was last used (a request, a start); null: never. */
    lastUsedAt: (): number | null => {
      const r = repo.get();
      return r ? lastUseOf(r, null) : null;
    },
    /** An admin's /deny: the Machine stops now (its files stay); the next allowed message starts it. */
    stopNow(now: number): Promise<void> {
      return exclusive(async () => {
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
      });
    },
    /** What /vm and /users show of it (never its token); null before the first use. */
    describe(): MachineView | null {
      const r = repo.get();
      if (!r) return null;
      const { machineId, machineName, volumeId, volumeName, state, region, image, startedAt, coldStartMs, retiredAt, lastError } = r;
      return { machineId, machineName, volumeId, volumeName, state, region, image, startedAt, coldStartMs, retiredAt, lastError };
    },
  };
}
export type MachineUnit = ReturnType<typeof createMachineUnit>;
