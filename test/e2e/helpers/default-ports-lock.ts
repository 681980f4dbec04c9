// The fixed ports (8787, 8080, 8788, 8790, and the stand-ins' 8791, 8792) are one machine's, not one test run's: two
// test runs side by side (two clones) must not both start `npm start` on them. The test that does
// takes this lock first and waits for it, however long the other run's use lasts; a lock whose
// holder died (its pid gone) is taken over.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { guardPath } from "../../../scripts/stack/reaper";

const LOCK_DIR = "/tmp/whatsapp-agent-relay-default-ports.lock";

const holderAlive = (): boolean => {
  try {
    const pid = Number(readFileSync(join(LOCK_DIR, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists (another user's); anything else: no holder.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Waits until this process holds the lock (at most `timeoutMs`); returns its release. */
export async function holdDefaultPorts(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, "pid"), String(process.pid));
      // A run killed while it holds the lock leaves no lock behind: the reaper's watchdog removes it.
      const unguard = guardPath(LOCK_DIR);
      return () => {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        unguard();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    // A holder still writing its pid reads as none for a moment: only a lock older than that is taken over.
    if (!holderAlive() && Date.now() - mtimeOf() > 2_000) rmSync(LOCK_DIR, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`the default ports' lock (${LOCK_DIR}) was not free within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function mtimeOf(): number {
  try {
    return statSync(LOCK_DIR).mtimeMs;
  } catch {
    return 0;
  }
}
