// The stand-in's Machines and volumes, in memory and saved in its data directory after every
// change (so they outlive it, as Fly's do), and their lifecycle carried out on real processes:
// start (spawn, or thaw a suspended tree), stop, suspend, update, destroy, the restart policy,
// and waiting for a state. One chain of operations per Machine, so moves never interleave. What a
// Machine's process is given is machine-environment.ts's; the faults tests inject, machine-faults.ts's.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../tools/free-port";
import { durationMs } from "../core/durations";
import { FlyErrors, type FlyError } from "../core/errors";
import { generatedName, newInstanceId, newMachineId, newNonce, newVolumeId } from "../core/ids";
import type { Lease, MachineEvent, MachineRecord, MachineState, VolumeRecord } from "../core/machine-view";
import { afterRestart } from "../core/saved-state";
import type { MachineConfig } from "../core/schemas";
import { machineEnvironment } from "./machine-environment";
import { createMachineFaults } from "./machine-faults";
import type { LiveMachine as Live } from "./live-machine";
import { spawnMachineProcess, type MachineProcess } from "./machine-process";
import { readStateFile, stateFileOf, writeStateFile } from "./state-file";

export type MachinesOptions = {
  dataDir: string;
  command: string[];
  cwd: string;
  /** The app's secrets (`fly secrets set`), in every Machine's environment. */
  secrets: Record<string, string>;
  primaryRegion: string;
  log: (line: string) => void;
};

const DEFAULT_STOP_SIGNAL = "SIGINT";
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

export type Result<T> = { ok: true; value: T } | { ok: false; error: FlyError };
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (error: FlyError): Result<never> => ({ ok: false, error });

export function createMachines(options: MachinesOptions, now: () => number = Date.now) {
  const machines = new Map<string, Live>();
  const volumes = new Map<string, VolumeRecord>();
  const volumeDir = (id: string) => join(options.dataDir, "volumes", id);
  let closing = false;
  const stateFile = stateFileOf(options.dataDir);
  const newLive = (record: MachineRecord): Live => ({ record, process: null, port: null, snapshot: false, dropNextSnapshot: false, restarts: 0, chain: Promise.resolve(), waiters: new Set() });
  const saved = readStateFile(stateFile);
  for (const volume of saved.volumes) volumes.set(volume.id, volume);
  for (const record of saved.machines) machines.set(record.id, newLive(afterRestart(record, now())));
  /** After every change of a record: what the next stand-in on this data directory starts from. */
  const save = () => writeStateFile(stateFile, { version: 1, machines: [...machines.values()].map((l) => l.record), volumes: [...volumes.values()] });
  save();

  function setState(live: Live, state: MachineState, event?: Omit<MachineEvent, "timestamp">) {
    live.record.state = state;
    live.record.updatedAt = now();
    if (event) live.record.events.unshift({ ...event, timestamp: now() });
    save();
    live.waiters.forEach((wake) => wake());
  }

  function enqueue(live: Live, work: () => Promise<void>): Promise<void> {
    const next = live.chain.then(work).catch((error: unknown) => options.log(`[fly] ${live.record.id}: ${error instanceof Error ? error.message : String(error)}`));
    live.chain = next;
    return next;
  }

  /** Spawns the Machine's command; "started" once the process runs, as Fly's is once the VM boots. */
  async function boot(live: Live): Promise<void> {
    // One process per Machine: a second boot would orphan the first.
    if (closing || (live.process && !live.process.hasExited())) return;
    const mount = live.record.config.mounts?.[0];
    if (mount && volumes.get(mount.volume)?.state !== "created") {
      setState(live, "stopped", { type: "exit", status: "stopped", source: "flyd", request: { error: `volume ${mount.volume} not found` } });
      return;
    }
    const port = await freePort("127.0.0.1");
    const id = live.record.id;
    const child = await spawnMachineProcess({ command: options.command, cwd: options.cwd, env: machineEnvironment(live.record, port, { secrets: options.secrets, primaryRegion: options.primaryRegion, volumeDir }), log: (line) => options.log(`[machine ${id}] ${line}`) });
    if (closing) return void (await child.kill());
    live.process = child;
    live.port = port;
    live.snapshot = false;
    setState(live, "started", { type: "start", status: "started", source: "flyd" });
    void child.exited.then((exit) => enqueue(live, async () => onExit(live, child, exit.code)));
  }

  /** The main process ended by itself (not by a stop, suspend, update or destroy). */
  async function onExit(live: Live, child: MachineProcess, code: number | null): Promise<void> {
    // Killed by the stand-in going away: the next stand-in restores the Machine from what it was.
    if (closing || live.process !== child || live.record.state !== "started") return;
    live.process = null;
    live.port = null;
    const policy = live.record.config.restart?.policy ?? "on-failure";
    const maxRetries = live.record.config.restart?.max_retries ?? 10;
    setState(live, "stopped", { type: "exit", status: "stopped", source: "flyd", request: { exit_event: { exit_code: code ?? -1 } } });
    if (policy === "always" || (policy === "on-failure" && code !== 0 && live.restarts < maxRetries)) {
      live.restarts++;
      setState(live, "starting");
      await boot(live);
    }
  }

  async function halt(live: Live, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = live.process;
    live.process = null;
    live.port = null;
    live.snapshot = false;
    if (!child) return;
    if (live.record.state === "suspended" || live.record.state === "suspending") await child.kill();
    else await child.stop(signal, timeoutMs);
  }

  function stopConfig(live: Live, body?: { signal?: string; timeout?: string | number }) {
    const config = live.record.config.stop_config;
    const signal = (body?.signal ?? config?.signal ?? DEFAULT_STOP_SIGNAL) as NodeJS.Signals;
    const timeoutMs = durationMs(body?.timeout) ?? durationMs(config?.timeout) ?? DEFAULT_STOP_TIMEOUT_MS;
    return { signal, timeoutMs };
  }

  const liveMachine = (app: string, id: string): Result<Live> => {
    const live = machines.get(id);
    return live && live.record.app === app && live.record.state !== "destroyed" ? ok(live) : fail(FlyErrors.machineNotFound(id));
  };

  function activeLease(live: Live): Lease | null {
    const lease = live.record.lease;
    if (lease && lease.expiresAt <= now()) live.record.lease = null;
    return live.record.lease;
  }

  return {
    machines,
    volumes,
    find: liveMachine,
    portOf: (id: string) => machines.get(id)?.port ?? null,
    isSuspendedWithSnapshot: (id: string) => Boolean(machines.get(id)?.snapshot),
    activeLease: (live: Live) => activeLease(live),
    /** Takes, refreshes or releases (null) the Machine's lease: saved like any change. */
    setLease(live: Live, lease: Lease | null): void {
      live.record.lease = lease;
      save();
    },

    /** A change needs the lease holder's nonce while a lease is held. */
    checkLease(live: Live, nonce: string | undefined): FlyError | null {
      const lease = activeLease(live);
      return lease && lease.nonce !== nonce ? FlyErrors.leaseHeld(live.record.id, lease.owner, lease.expiresAt) : null;
    },

    list(app: string, includeDeleted: boolean, region?: string): MachineRecord[] {
      return [...machines.values()].map((l) => l.record).filter((m) => m.app === app && (includeDeleted || m.state !== "destroyed") && (!region || m.region === region));
    },

    create(app: string, input: { config: MachineConfig; name?: string; region?: string; skip_launch?: boolean; lease_ttl?: number }, owner: string): Result<{ record: MachineRecord; nonce?: string }> {
      const name = input.name ?? generatedName();
      const taken = [...machines.values()].find((l) => l.record.app === app && l.record.name === name && l.record.state !== "destroyed");
      if (taken) return fail(FlyErrors.nameTaken(taken.record.id, name));
      const mount = input.config.mounts?.[0];
      let region = input.region ?? options.primaryRegion;
      if (mount) {
        const volume = volumes.get(mount.volume);
        if (!volume || volume.app !== app || volume.state !== "created") return fail(FlyErrors.badRequest(`volume ${mount.volume} not found`));
        if (volume.attachedMachineId) return fail(FlyErrors.badRequest(`volume ${mount.volume} is already attached to machine ${volume.attachedMachineId}`));
        if (input.region && input.region !== volume.region) return fail(FlyErrors.badRequest(`volume ${mount.volume} is in region ${volume.region}, not ${input.region}`));
        region = volume.region;
      }
      const id = newMachineId();
      const record: MachineRecord = {
        id, app, name, region, state: "created", instanceId: newInstanceId(now()), config: input.config,
        createdAt: now(), updatedAt: now(), events: [{ type: "launch", status: "created", source: "user", timestamp: now() }], lease: null,
      };
      const nonce = input.lease_ttl ? newNonce() : undefined;
      if (nonce) record.lease = { nonce, expiresAt: now() + (input.lease_ttl ?? 0) * 1000, owner, description: "", version: record.instanceId };
      const live = newLive(record);
      machines.set(id, live);
      if (mount) volumes.get(mount.volume)!.attachedMachineId = id;
      save();
      // Fly answers a create with the Machine as created; a launch is then already under way.
      const answer = structuredClone(record);
      if (!input.skip_launch) {
        setState(live, "starting");
        void enqueue(live, () => boot(live));
      }
      return ok(nonce ? { record: answer, nonce } : { record: answer });
    },

    update(live: Live, input: { config: MachineConfig; name?: string; region?: string; skip_launch?: boolean }): Result<MachineRecord> {
      const { record } = live;
      if (input.name && input.name !== record.name) return fail(FlyErrors.badRequest("name is immutable"));
      if (input.region && input.region !== record.region) return fail(FlyErrors.badRequest("region is immutable"));
      const before = record.config.mounts?.[0]?.volume;
      if (input.config.mounts?.[0]?.volume !== before) return fail(FlyErrors.badRequest("a Machine's volume cannot be changed by an update"));
      const wasRunning = record.state === "started" || record.state === "starting";
      record.config = input.config;
      record.instanceId = newInstanceId(now());
      live.dropNextSnapshot = false;
      setState(live, record.state, { type: "update", status: "replaced", source: "user" });
      const { signal, timeoutMs } = stopConfig(live);
      void enqueue(live, async () => {
        await halt(live, signal, timeoutMs);
        if (wasRunning || !input.skip_launch) {
          setState(live, "starting");
          await boot(live);
        } else setState(live, record.state === "created" ? "created" : "stopped");
      });
      return ok(record);
    },

    start(live: Live): Result<{ previous_state: MachineState }> {
      const previous = live.record.state;
      if (!["created", "stopped", "suspended"].includes(previous)) return fail(FlyErrors.wrongState("start", previous));
      setState(live, "starting");
      void enqueue(live, async () => {
        if (previous === "suspended" && live.snapshot && live.process && !live.process.hasExited()) {
          await live.process.resume();
          live.snapshot = false;
          setState(live, "started", { type: "start", status: "started", source: "user", request: { resumed: true } });
          return;
        }
        // No snapshot to resume (Fly dropped it): a cold boot on the same volume.
        await halt(live, "SIGKILL", 0);
        live.restarts = 0;
        await boot(live);
      });
      return ok({ previous_state: previous });
    },

    stop(live: Live, body: { signal?: string; timeout?: string | number }): Result<null> {
      const state = live.record.state;
      if (state === "stopped" || state === "created") return ok(null);
      if (!["started", "suspended", "starting"].includes(state)) return fail(FlyErrors.wrongState("stop", state));
      const { signal, timeoutMs } = stopConfig(live, body);
      if (state !== "suspended") setState(live, "stopping");
      void enqueue(live, async () => {
        await halt(live, signal, timeoutMs);
        setState(live, "stopped", { type: "exit", status: "stopped", source: "user" });
      });
      return ok(null);
    },

    suspend(live: Live): Result<null> {
      const { record } = live;
      if (record.state !== "started") return fail(FlyErrors.wrongState("suspend", record.state));
      if ((record.config.guest?.memory_mb ?? 256) > 2048) return fail(FlyErrors.badRequest("suspend is not supported for Machines with more than 2048 MB of memory"));
      if (record.config.init?.swap_size_mb || record.config.schedule) return fail(FlyErrors.badRequest("suspend is not supported for Machines with swap or a schedule"));
      setState(live, "suspending");
      void enqueue(live, async () => {
        if (!live.process) return setState(live, "stopped");
        await live.process.suspend();
        live.snapshot = true;
        if (live.dropNextSnapshot) await dropSnapshot(live);
        setState(live, "suspended", { type: "suspend", status: "suspended", source: "user" });
      });
      return ok(null);
    },

    destroy(live: Live, force: boolean): Result<null> {
      const state = live.record.state;
      if (!force && (state === "started" || state === "starting" || state === "stopping" || state === "suspending")) return fail(FlyErrors.notStoppedForDestroy());
      setState(live, "destroying");
      void enqueue(live, async () => {
        await halt(live, "SIGKILL", 0);
        release(live);
        setState(live, "destroyed", { type: "destroy", status: "destroyed", source: "user" });
      });
      return ok(null);
    },

    /** Resolves true once the Machine (that instance, if given) is in `state`, false on timeout. */
    waitFor(live: Live, state: MachineState, instanceId: string | undefined, timeoutMs: number): Promise<boolean> {
      const reached = () => live.record.state === state && (!instanceId || instanceId === live.record.instanceId);
      if (reached()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          if (!reached()) return;
          done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        function done(value: boolean) {
          clearTimeout(timer);
          live.waiters.delete(wake);
          resolve(value);
        }
        live.waiters.add(wake);
      });
    },

    createVolume(app: string, input: { name: string; region?: string; size_gb?: number; encrypted?: boolean; snapshot_retention?: number; auto_backup_enabled?: boolean }): VolumeRecord {
      const volume: VolumeRecord = {
        id: newVolumeId(), app, name: input.name, region: input.region ?? options.primaryRegion, sizeGb: input.size_gb ?? 3,
        encrypted: input.encrypted ?? true, state: "created", attachedMachineId: null, createdAt: now(),
        snapshotRetention: input.snapshot_retention ?? 5, autoBackupEnabled: input.auto_backup_enabled ?? true,
      };
      mkdirSync(volumeDir(volume.id), { recursive: true });
      volumes.set(volume.id, volume);
      save();
      return volume;
    },

    destroyVolume(app: string, id: string): Result<VolumeRecord> {
      const volume = volumes.get(id);
      if (!volume || volume.app !== app || volume.state === "destroyed") return fail(FlyErrors.volumeNotFound(id));
      const holder = volume.attachedMachineId ? machines.get(volume.attachedMachineId) : undefined;
      if (holder && holder.record.state !== "destroyed") return fail(FlyErrors.volumeAttached(id, holder.record.id));
      volume.state = "destroyed";
      volume.attachedMachineId = null;
      save();
      rmSync(volumeDir(id), { recursive: true, force: true });
      return ok(volume);
    },

    volumeDir,

    ...createMachineFaults({ machines, volumes, save, volumeDir, enqueue, halt, release, dropSnapshot }),

    /** Ends every Machine, including one whose boot is under way. */
    async closeAll(): Promise<void> {
      closing = true;
      await Promise.all([...machines.values()].map((live) => live.chain));
      await Promise.all([...machines.values()].map((live) => live.process?.kill()));
    },
  };

  async function dropSnapshot(live: Live): Promise<void> {
    live.dropNextSnapshot = false;
    live.snapshot = false;
    const child = live.process;
    live.process = null;
    live.port = null;
    await child?.kill();
  }

  function release(live: Live): void {
    const mount = live.record.config.mounts?.[0];
    const volume = mount ? volumes.get(mount.volume) : undefined;
    if (volume?.attachedMachineId === live.record.id) volume.attachedMachineId = null;
    live.record.lease = null;
  }
}

export type Machines = ReturnType<typeof createMachines>;
export type { LiveMachine } from "./live-machine";
