// Child processes the bench started, each in its own process group, ended on exit or Ctrl-C.
import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from "node:child_process";

const running = new Set<ChildProcess>();

/**
 * Which side of production a process stands for: the edge (Workers under wrangler dev, Twilio's
 * emulator) or the user's Fly Machine (the VM, a CLI). In production the two never share cores.
 */
export type Side = "edge" | "machine";

/** The cores of each side, when the run keeps them apart (`--apart`); null: every process anywhere. */
let placement: Record<Side, string> | null = null;

/**
 * Cores `0..count-1` split in two: the edge's first half, the Machine's the rest. A machine of
 * one core cannot keep them apart.
 */
export function coresApart(count: number): Record<Side, string> {
  if (count < 2) throw new Error(`--apart needs at least 2 cores; this machine has ${count}`);
  const half = Math.floor(count / 2);
  const range = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);
  return { edge: range(0, half - 1), machine: range(half, count - 1) };
}

/**
 * From now on each side's processes start on its own cores (taskset, inherited by what they
 * start: workerd, the CLI). The bench's own process stands for the world outside both (the
 * sender, the model) and waits while a turn crosses the Machine, so it goes with the Machine.
 */
export function keepSidesApart(count: number): Record<Side, string> {
  placement = coresApart(count);
  execFileSync("taskset", ["-a", "-p", "-c", placement.machine, String(process.pid)], { stdio: "ignore" });
  return placement;
}

/**
 * Spawns in a new process group, so stopping it also ends what it started (workerd); on its
 * side's cores when the run keeps the sides apart.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions & { side?: Side }): ChildProcess {
  const { side, ...spawnOptions } = options;
  const cores = side && placement ? placement[side] : null;
  const child = cores ? spawn("taskset", ["-c", cores, command, ...args], { ...spawnOptions, detached: true }) : spawn(command, args, { ...spawnOptions, detached: true });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** SIGTERM to the child's group, SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  // workerd may outlive wrangler's own exit by a moment; the group id still names it.
  signalGroup(child.pid, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function stopAllNow(): void {
  for (const child of running) if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
}

process.once("exit", stopAllNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopAllNow();
    process.exit(130);
  });
}
