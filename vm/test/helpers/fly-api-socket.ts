// A stand-in of Fly's Machines API socket as Fly leaves it (`/.fly/api`: a socket anyone may
// write, in a directory anyone may pass), for the tests of who can open it.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export type OpenFlyApiSocket = { dir: string; path: string; close(): Promise<void> };

/** Under /tmp itself: `nobody` must pass every directory above the socket, and a test run's own TMPDIR is closed to others. */
export async function openFlyApiSocket(prefix: string): Promise<OpenFlyApiSocket> {
  const dir = mkdtempSync(join("/tmp", prefix));
  chmodSync(dir, 0o755);
  const path = join(dir, "api");
  const socket = createServer();
  await new Promise<void>((resolve) => socket.listen(path, resolve));
  chmodSync(path, 0o777);
  return {
    dir,
    path,
    close: async () => {
      await new Promise((resolve) => socket.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
