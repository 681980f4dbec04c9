// One child of the local stack: spawned in a process group of its own, every output line
// prefixed with its source, stopped as a whole group (and whatever left the group) on request.
import { spawn } from "node:child_process";
import { flushLines, prefixed, prefixOf, takeLines, type LineBuffer } from "./line-buffer";
import { descendantsOf, isAlive, readProcessTable } from "../../emulator/tools/process-tree";
import { guardGroup } from "./reaper";
import type { ChildName, ChildSpec } from "./stack-children";

export type ChildExit = { code: number | null; signal: NodeJS.Signals | null; error?: string };

export type RunningChild = {
  name: ChildName;
  pid: number;
  exited: Promise<ChildExit>;
  hasExited(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; then any descendant that left the group. */
  stop(graceMs: number): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A negative pid is a process group. */
function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

export function spawnChild(spec: ChildSpec, write: (line: string) => void): RunningChild {
  const prefix = prefixOf(spec.name);
  // detached: its own process group, so Ctrl-C in the terminal reaches only `npm start`,
  // which then stops each group as a whole (npm, tsx and node under `npm run vm` alike).
  const proc = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let exit: ChildExit | null = null;
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once("error", (error) => {
      exit ??= { code: null, signal: null, error: error.message };
      resolve(exit);
    });
    proc.once("exit", (code, signal) => {
      exit ??= { code, signal };
      resolve(exit);
    });
  });
  for (const stream of [proc.stdout, proc.stderr]) {
    const buffer: LineBuffer = { pending: "" };
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => takeLines(buffer, chunk).forEach((line) => write(prefixed(prefix, line))));
    stream.on("end", () => flushLines(buffer).forEach((line) => write(prefixed(prefix, line))));
  }
  const pid = proc.pid ?? -1;
  // Ended with this process even if it never gets to call stop() (a signal, a crash, a SIGKILL).
  const release = guardGroup(proc.pid);

  async function stop(graceMs: number): Promise<void> {
    if (pid < 0) return;
    try {
      await stopGroup(graceMs);
    } finally {
      release();
    }
  }

  async function stopGroup(graceMs: number): Promise<void> {
    const strays = new Set(descendantsOf([pid], await readProcessTable()));
    sendSignal(-pid, "SIGTERM");
    const gone = () => exit !== null && !isAlive(-pid);
    if (!(await waitUntil(gone, graceMs))) {
      descendantsOf([pid], await readProcessTable()).forEach((p) => strays.add(p));
      sendSignal(-pid, "SIGKILL");
      await waitUntil(gone, 2_000);
    }
    // Processes that had moved to groups of their own; by now their parent should have ended them.
    const left = [...strays].filter(isAlive);
    left.forEach((p) => sendSignal(p, "SIGTERM"));
    if (await waitUntil(() => !left.some(isAlive), 2_000)) return;
    left.forEach((p) => sendSignal(p, "SIGKILL"));
    await waitUntil(() => !left.some(isAlive), 2_000);
  }

  return { name: spec.name, pid, exited, hasExited: () => exit !== null, stop };
}
