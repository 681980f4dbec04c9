// Tries, once at start, each thing the server does to keep users apart, on a scratch directory
// under DATA_DIR and a child of `nobody`: what a container's capability set allows is learnt by
// doing it, not by reading it (a missing CAP_DAC_READ_SEARCH failed every run in 20-70 ms, told
// as an interruption). Only where agents get uids of their own (the server is root).
import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { MachineNeed } from "./core/readiness";

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
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"], { uid: NOBODY, gid: NOBODY, stdio: "ignore" });
  const spawned = await new Promise<string | null>((resolve) => {
    child.once("spawn", () => resolve(null));
    child.once("error", (error) => resolve(codeOf(error)));
  });
  if (spawned !== null) return { switch: spawned, kill: null };
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Signal 0 asks the kernel whether this process may signal that one, and sends nothing.
  const kill = attempt(() => process.kill(child.pid ?? 0, 0));
  // SIGKILL from the child's own side would need nothing: when the server may not, it ends itself.
  if (kill === null) child.kill("SIGKILL");
  else spawn(process.execPath, ["-e", `process.kill(${child.pid}, "SIGKILL")`], { uid: NOBODY, gid: NOBODY, stdio: "ignore" });
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
