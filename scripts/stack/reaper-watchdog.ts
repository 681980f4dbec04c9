// The last line of defence against stray processes: started by scripts/stack/reaper.ts, it outlives
// its parent and, once the parent is gone (its end of our stdin closes, or we are re-parented),
// ends what the parent registered: process groups and everything they started, and, given a run
// marker, every process whose environment carries it and whatever those started. A parent that is
// SIGKILLed, or dies of a signal it does not handle, runs no handler of its own: this does the work.
// Runs on plain Node (22's type stripping, no tsx), so it imports node: modules and .ts files only.
import { rmSync } from "node:fs";
import { applyWatchLine, emptyWatchState, reapTargets } from "./reaper-plan.ts";
import { removeAgentSockets, removeCliScratch } from "./agent-sockets.ts";
import { readProcesses, type ProcessInfo } from "./proc-table.ts";

const GRACE_MS = 5_000;
/** How often the marked processes' descendants are noted: an orphan whose parent died first is still known. */
const NOTE_EVERY_MS = 2_000;

// Ctrl-C and a closed terminal signal a whole group; this must outlive the parent to clean up after it.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => undefined);

const state = emptyWatchState();
const firstPpid = process.ppid;
/** pid → start time of every process seen belonging to the run, so a reused pid is never taken for one. */
const noted = new Map<number, string>();
let reaping = false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: already gone; EPERM: not ours to end.
  }
}

function targetsNow(): ProcessInfo[] {
  return reapTargets(readProcesses(state.marker), state, noted, process.pid);
}

function note(): void {
  if (state.marker === null || reaping) return;
  for (const p of targetsNow()) noted.set(p.pid, p.startedAt);
}

async function reap(): Promise<void> {
  if (reaping) return;
  reaping = true;
  // The groups as a whole first (what a terminal's Ctrl-C would do), then each process that left them.
  for (const group of state.groups) signal(-group, "SIGTERM");
  for (const p of targetsNow()) signal(p.pid, "SIGTERM");
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline && targetsNow().length > 0) await sleep(100);
  for (const group of state.groups) signal(-group, "SIGKILL");
  for (const p of targetsNow()) signal(p.pid, "SIGKILL");
  for (const path of state.paths) {
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    // What the CLIs kept in /tmp/claude-<uid> for working directories under it (a hand-off's laptop).
    removeCliScratch(path, state.socketsSince);
  }
  // The CLIs are gone now: the socket directories they left in /tmp go too.
  if (state.socketsSince !== null) removeAgentSockets(state.socketsSince);
  process.exit(0);
}

let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  const lines = (pending + chunk).split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) applyWatchLine(state, line);
  note();
});
// The parent's end of the pipe closes when it exits, however it exits.
process.stdin.on("end", () => void reap());
process.stdin.on("error", () => void reap());
// A backstop for a pipe held open by someone else: re-parenting means the parent is gone.
setInterval(() => {
  if (process.ppid !== firstPpid) void reap();
}, 500);
setInterval(note, NOTE_EVERY_MS);
