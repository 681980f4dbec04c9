// A scope for what a section starts (stand-ins, VMs, relays): each is stopped, last started first,
// however the work ends; a failure to stop one is logged and the others still stop. Its processes
// get a temporary directory of their own as TMPDIR (removed at the end with the agents' CLI socket
// directories, test/helpers/run-temp.ts); this process's TMPDIR is put back after, for the
// sections that follow.
import { useRunTempDir } from "../../test/helpers/run-temp";

/** Registers how to stop what was just started, under a name for the log. */
export type OnClose = (name: string, close: () => Promise<unknown>) => void;

export async function withStackScope<T>(section: string, log: (line: string) => void, work: (onClose: OnClose) => Promise<T>): Promise<T> {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const previousTmpdir = process.env.TMPDIR;
  const releaseTemp = useRunTempDir();
  try {
    return await work((name, close) => closers.push({ name, close }));
  } finally {
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        log(`${section}: stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    releaseTemp();
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  }
}
