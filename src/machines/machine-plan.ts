// What a phone's Fly Machine needs, as data (VM_MODE=machines): before a request to the VM, the
// next step to make it reachable; on its own, the next chore the object's alarm must do (idle
// action, retirement) and when. A volume is deleted only after a checked archive (archive-plan.ts). Pure: the row and the facts in,
// the step out; machines/machine-unit.ts does the calls.

export type MachineSettings = {
  /** No run for this long: the Machine is suspended or stopped (MACHINE_IDLE_MS). */
  idleMs: number;
  idleAction: "suspend" | "stop";
  /** Unused this long (MACHINE_RETIRE_DAYS): the Machine is destroyed; the volume stays until the archive has it. */
  retireMs: number;
};

export type MachineFacts = {
  state: "none" | "started" | "suspended" | "stopped" | "unknown";
  machineId: string | null;
  volumeId: string | null;
  image: string | null;
  vmToken: string | null;
  usedAt: number | null;
  startedAt: number | null;
  retiredAt: number | null;
  retryAt: number | null;
};

/** What the relay wants the Machine to run: its image and the VM_TOKEN it should accept. */
export type MachineWant = { image: string; vmToken: string };

export type MachineStep =
  | { step: "volume" }
  | { step: "create" }
  /** "started" as last seen: requests go straight through the proxy, no API call. */
  | { step: "ready" }
  /** A request failed: look at the Machine before trusting anything. */
  | { step: "check" }
  /** Suspended or stopped: start it, updating its config first when the image or token changed. */
  | { step: "start"; update: boolean };

export function nextStep(row: MachineFacts | null, want: MachineWant): MachineStep {
  if (!row?.volumeId) return { step: "volume" };
  if (!row.machineId || row.state === "none") return { step: "create" };
  if (row.state === "started") return { step: "ready" };
  if (row.state === "unknown") return { step: "check" };
  return { step: "start", update: row.image !== want.image || row.vmToken !== want.vmToken };
}

export type MachineChore = { kind: "idle" | "retire"; at: number };

/** Idleness counts from the latest of: the last request, the last run's end, the last start. */
export function lastUseOf(row: Pick<MachineFacts, "usedAt" | "startedAt">, lastRunEndedAt: number | null): number | null {
  const times = [row.usedAt, row.startedAt, lastRunEndedAt].filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.max(...times);
}

/**
 * The chore the alarm owes the Machine, or null: none while a run is open (a run is never
 * suspended under it), none for a phone without one. A refused chore waits for `retryAt`.
 */
export function nextChore(row: MachineFacts | null, facts: { runOpen: boolean; lastRunEndedAt: number | null }, s: MachineSettings): MachineChore | null {
  if (!row || facts.runOpen) return null;
  const chore = choreOf(row, facts.lastRunEndedAt, s);
  if (!chore) return null;
  return row.retryAt !== null && row.retryAt > chore.at ? { ...chore, at: row.retryAt } : chore;
}

function choreOf(row: MachineFacts, lastRunEndedAt: number | null, s: MachineSettings): MachineChore | null {
  const lastUse = lastUseOf(row, lastRunEndedAt);
  if (row.machineId && row.state !== "none") {
    if (lastUse === null) return null;
    if (row.state === "started" || row.state === "unknown") return { kind: "idle", at: lastUse + s.idleMs };
    // Stopped is as idle as it gets; a suspended Machine is stopped only by retirement.
    return { kind: "retire", at: lastUse + s.retireMs };
  }
  // A retired Machine's volume is the archive's to delete, once its files are checked in R2.
  return null;
}

/**
 * The Machine's VM settings in machines mode: a warm CLI must outlast the object's idle action
 * (so a suspension keeps it for the user's return), and the VM's own idle exit, the safety net,
 * comes after both.
 */
/**
 * The RELAY_URL a Machine is given: PUBLIC_URL when the VM would take it (https, or http on
 * loopback, as vm/src/config.ts checks), else none, so a plain-http tunnel never stops a Machine's
 * boot; without it the relay finds the VM back by its probes.
 */
export function machineRelayUrl(publicUrl: string | null | undefined): string | null {
  if (!publicUrl) return null;
  return /^https:\/\//.test(publicUrl) || /^http:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?(?:\/|$)/.test(publicUrl) ? publicUrl : null;
}

export function machineVmTimers(idleMs: number): { WARM_SESSION_MS: string; IDLE_TIMEOUT_MS: string } {
  const margin = Math.max(60_000, Math.round(idleMs / 3));
  return { WARM_SESSION_MS: String(idleMs + margin), IDLE_TIMEOUT_MS: String(idleMs + 2 * margin) };
}
