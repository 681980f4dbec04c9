// Tries, once at start, each thing the server does to keep users apart, on a scratch directory
// under DATA_DIR and a child of `nobody`: what a container's capability set allows is learnt by
// doing it, not by reading it (a missing CAP_DAC_READ_SEARCH failed every run in 20-70 ms, told
// as an interruption). Only where agents get uids of their own (the server is root).
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { MachineNeed } from "../core/readiness";
import { userChildEnv } from "./as-user";

/** A uid and gid that are no agent's and own nothing of the VM. */
const NOBODY = 65_534;

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code ?? String(error);

function attempt(action: () => void): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return codeOf(error);
  }
}

/** Starts a child as `nobody` and signals it: the uid switch and the kill of another uid's process. */
async function switchAndKill(): Promise<{ switch: string | null; kill: string | null }> {
  // /bin/sh from /: what any uid may run and enter, so a refusal here is the switch's own (EPERM),
  // never a node binary or working directory `nobody` cannot reach.
  const asNobody = { uid: NOBODY, gid: NOBODY, env: userChildEnv({}), cwd: "/", stdio: "ignore" } as const;
  let child: ChildProcess;
  try {
    child = spawn("/bin/sh", ["-c", "exec sleep 60"], asNobody);
  } catch (error) {
    // Node throws at once for EPERM (a refused setuid), and emits the few others below.
    return { switch: codeOf(error), kill: null };
  }
  const exited = new Promise((resolve) => child.once("close", resolve));
  const spawned = await new Promise<string | null>((resolve) => {
    child.once("spawn", () => resolve(null));
    child.once("error", (error) => resolve(codeOf(error)));
  });
  if (spawned !== null) return { switch: spawned, kill: null };
  // Signal 0 asks the kernel whether this process may signal that one, and sends nothing (a child
  // already gone says nothing either way).
  const kill = child.exitCode === null ? attempt(() => process.kill(child.pid ?? 0, 0)) : null;
  // SIGKILL from the child's own side would need nothing: when the server may not, it ends itself.
  if (kill === null) child.kill("SIGKILL");
  else spawn("/bin/sh", ["-c", `kill -9 ${child.pid}`], asNobody);
  await exited;
  return { switch: null, kill };
}

export async function probeMachine(dataDir: string): Promise<Record<MachineNeed, string | null>> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const scratch = mkdtempSync(join(dataDir, ".probe-"));
  try {
    // An empty directory of another uid, closed to everyone else: the shape of an agent's home.
    const theirs = join(scratch, "theirs");
    mkdirSync(theirs, { mode: 0o700 });
    const chown = attempt(() => chownSync(theirs, NOBODY, NOBODY));
    // Untried when the chown failed: that one line says enough.
    const fowner = chown === null ? attempt(() => chmodSync(theirs, 0o700)) : null;
    const read = chown === null ? attempt(() => readdirSync(theirs)) : null;
    const { switch: switched, kill } = await switchAndKill();
    return { chown, fowner, read, switch: switched, kill };
  } finally {
    // The server's own directory: its entries go whatever their owner.
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Fly's Machines API socket as an agent meets it: absent (root's lstat finds nothing), open (a
 * child of `nobody` may write it, which is what connecting to a unix socket needs, through every
 * directory above it), or closed. Null when no child of `nobody` could be started: the uid switch's
 * own problem (probeMachine) refuses runs then.
 */
export async function probeFlyApi(socket: string): Promise<"absent" | "closed" | "open" | null> {
  try {
    lstatSync(socket);
  } catch {
    return "absent";
  }
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn("/bin/sh", ["-c", 'test -w "$1"', "sh", socket], { uid: NOBODY, gid: NOBODY, cwd: "/", stdio: "ignore" });
    } catch {
      return resolve(null);
    }
    child.once("error", () => resolve(null));
    child.once("close", (code) => resolve(code === 0 ? "open" : "closed"));
  });
}

/** The mount table /proc's options are read from (core/machine-isolation.ts); null when unreadable. */
export function readMounts(): string | null {
  for (const path of ["/proc/self/mountinfo", "/proc/mounts"]) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      // The next one, else unknown: taken as shared.
    }
  }
  return null;
}
