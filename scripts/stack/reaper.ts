// Children that must not outlive this process: the process groups it started (the local stack's
// children, wrangler dev under the bench), directories to remove with them, and, for a test run,
// every process carrying the run's marker. Three lines of defence, so neither a signal, an exit
// without clean-up, nor a SIGKILL of this process leaves them running:
// - on SIGINT or SIGTERM that nobody else handles: SIGTERM to every group, then the signal again;
// - on exit: SIGTERM to every group (an owner that stops them itself releases them first);
// - a watchdog process (reaper-watchdog.ts) that notices this one is gone and ends them all,
//   SIGKILL after a grace, with whatever they started (even in groups of their own).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { removeAgentSockets } from "./agent-sockets";
import { RUN_MARKER_VAR } from "./proc-table";
import { watchLine } from "./reaper-plan";

const WATCHDOG = fileURLToPath(new URL("./reaper-watchdog.ts", import.meta.url));
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

type ReaperState = {
  groups: Set<number>;
  paths: Set<string>;
  marker: string | undefined;
  socketsSince: number | null;
  watchdog: ChildProcess | undefined;
  handlersInstalled: boolean;
};
// One per process even when a test runner loads this module more than once (one copy per project).
const state: ReaperState = ((globalThis as { [key: symbol]: ReaperState })[Symbol.for("relay.reaper")] ??= {
  groups: new Set(),
  paths: new Set(),
  marker: undefined,
  socketsSince: null,
  watchdog: undefined,
  handlersInstalled: false,
});
const groups = state.groups;

function tell(line: string): void {
  // A watchdog that could not start only loses the last line of defence, never the caller's work.
  if (state.watchdog?.stdin?.writable) state.watchdog.stdin.write(line);
}

function signalGroups(sig: NodeJS.Signals): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  }
}

function onSignal(sig: NodeJS.Signals): void {
  // Someone else owns the shutdown (npm start's supervisor, vitest): they stop things their way,
  // and the exit handler and the watchdog remain behind them.
  if (process.listenerCount(sig) > 1) return;
  signalGroups("SIGTERM");
  process.off(sig, onSignal);
  process.kill(process.pid, sig);
}

function startWatchdog(): ChildProcess {
  // Its own group, so a terminal's Ctrl-C does not reach it.
  // Without our marker in its environment: the run's sweep must not count it among the run's processes.
  const env = { ...process.env };
  delete env[RUN_MARKER_VAR];
  // Plain Node where it strips types (22.18+, the pinned one), else through tsx (slower to start).
  const strips = typeof (process.features as { typescript?: unknown }).typescript === "string";
  const loader = strips ? [] : ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
  const child = spawn(process.execPath, [...loader, WATCHDOG], { detached: true, stdio: ["pipe", "ignore", "ignore"], env });
  child.on("error", () => undefined);
  child.stdin?.on("error", () => undefined);
  // Neither the watchdog nor its pipe keeps this process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

function start(): void {
  state.watchdog ??= startWatchdog();
  if (state.handlersInstalled) return;
  state.handlersInstalled = true;
  process.on("exit", () => signalGroups("SIGTERM"));
  for (const sig of SIGNALS) process.on(sig, onSignal);
}

/**
 * With nothing left to guard, the watchdog goes (its stdin closed with nothing registered: it ends
 * nothing), so a test that counts the processes it started sees none left; the next guard starts one.
 */
function stopIfIdle(): void {
  if (groups.size > 0 || state.paths.size > 0 || state.marker || state.socketsSince !== null || !state.watchdog) return;
  state.watchdog.stdin?.end();
  state.watchdog = undefined;
}

/** Guards the process group led by `pid`; call the returned function once it has been stopped. */
export function guardGroup(pid: number | undefined): () => void {
  if (pid === undefined || pid <= 1) return () => undefined;
  start();
  groups.add(pid);
  tell(watchLine("group", pid));
  return () => {
    if (!groups.delete(pid)) return;
    tell(watchLine("ungroup", pid));
    stopIfIdle();
  };
}

/** Has `dir` removed if this process goes away before calling the returned function. */
export function guardPath(dir: string): () => void {
  start();
  state.paths.add(dir);
  tell(watchLine("path", dir));
  return () => {
    if (!state.paths.delete(dir)) return;
    tell(watchLine("unpath", dir));
    stopIfIdle();
  };
}

/**
 * The agents' CLI socket directories touched since `since` (agent-sockets.ts) are swept by the
 * returned function, or by the reaper's watchdog if this process goes away before calling it.
 */
export function guardAgentSockets(since: number): () => void {
  start();
  state.socketsSince = since;
  tell(watchLine("sockets", since));
  return () => {
    if (state.socketsSince === null) return;
    removeAgentSockets(since);
    state.socketsSince = null;
    tell(watchLine("unsockets", since));
    stopIfIdle();
  };
}

/**
 * Marks this process's future children as one run's (an environment variable they inherit) and has
 * every process carrying the mark, and everything those started, ended once this process is gone.
 * Returns the marker, the same for every call in one process.
 */
export function guardRun(): string {
  if (state.marker) return state.marker;
  start();
  state.marker = randomUUID();
  process.env[RUN_MARKER_VAR] = state.marker;
  tell(watchLine("marker", state.marker));
  return state.marker;
}
