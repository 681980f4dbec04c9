// The phone's own Fly Machine and volume (VM_MODE=machines). Before any request to the VM it
// makes the Machine reachable: the volume first (adopted by name if one exists), then the Machine
// on it (a second create answers 409 and the existing one is adopted), or a start of a suspended
// or stopped one, its config updated first when the image or the relay's VM_TOKEN changed. On
// its own (the alarm) it suspends or stops the Machine after MACHINE_IDLE_MS with no run,
// destroys it after MACHINE_RETIRE_DAYS unused and tells the user; the volume goes only when the
// archive unit has checked its files in R2 and calls discard(). It alone writes the `machine` row; every change of a Machine holds its lease.
// The directory learns the Machine's and volume's names before either is made (recordOwner):
// /vm sweep reads them there, never waiting on this object. The Fly calls of each connect step
// are in machine-fly-steps.ts, those of the chores (idle, retire, stop, discard) in machine-chores.ts.
import { lastUseOf, type MachineChore, type MachineSettings, type MachineWant, nextChore, nextStep } from "./machine-plan";
import { type FlyNames, flyResourceNames, machineVmToken } from "./fly-identity";
import { flyRetryDelayMs, leaseRetryAt } from "./fly-retry";
import { MACHINE_FILES_LOST } from "./machine-replies";
import type { FlyMachinesClient, FlyResult } from "./fly-machines";
import type { MachineView } from "./machine-report";
import type { MachineRepo, MachineRow } from "./machine-repo";
import type { OutboxRepo } from "../outbox/outbox-repo";
import type { Log } from "../shared/log";
import { stepTime } from "../shared/step-time";
import type { Clock } from "../shared/clock";
import { createMachineSteps, done, type Present, type StepResult } from "./machine-fly-steps";
import { createMachineChores } from "./machine-chores";

export type MachineUnitSettings = MachineSettings & {
  image: string;
  /** FLY_REGIONS, in order of preference. */
  regions: readonly string[];
  /** FLY_PROXY_URL: where run requests go, naming the Machine in `fly-force-instance-id`. */
  proxyUrl: string;
  /** The relay's VM_TOKEN: each Machine's own token is derived from it (machines/fly-identity.ts). */
  relayVmToken: string;
  /** PUBLIC_URL: the Machine's RELAY_URL, where it posts its wake after a restart (protocol/vm/wake.ts); null: no wake, the probes find it. */
  relayUrl?: string | null;
};

/** Where the VM is reached, or why it cannot be now. */
export type VmConnect = { ok: true; url: string; token: string; headers: Record<string, string> } | { ok: false; detail: string };

/** A request waits this long at most for the Machine (API retries, a lease, a start). */
const CONNECT_BUDGET_MS = 90_000;
/** The last-use time is written at most this often: idleness is counted in minutes. */
const USED_WRITE_EVERY_MS = 30_000;
/** Steps one connect may take (volume, create, check, start, check…) before it gives up. */
const MAX_STEPS = 8;
const isReady = (r: MachineRow | null): boolean => r?.state === "started" && !!r.machineId && !!r.vmToken;

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

  const { makeVolume, makeMachine, check, start } = createMachineSteps({ repo, fly, settings: s, log: d.log, sleep, random });
  const chores = createMachineChores({ repo, fly, settings: s, runs: d.runs, outbox: d.outbox, log: d.log, row });

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

  return {
    name: "machine",
    /** Where requests to the VM go now, starting or making the Machine first when it must. */
    /** Whether requests go through now with no API call and no wait (the Machine last seen started). */
    ready: (): boolean => isReady(repo.get()),
    /**
     * Where requests to the VM go now, starting or making the Machine first when it must, by
     * `deadline` at most. A run brings its own `now` and deadline (its connect phase,
     * runs/run-lifecycle.ts); any other request reads the clock here and has CONNECT_BUDGET_MS.
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
        const result = await chores.doChore(chore, now);
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
     * The archive has every file of the volume, checked in R2 (archive/archive-unit.ts): the Machine is
     * destroyed and the volume deleted. A refusal leaves the row naming what is left, to try again.
     */
    discard(now: number): Promise<FlyResult<null>> {
      return exclusive(() => chores.discard(now));
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
      return exclusive(() => chores.stopNow(now));
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
