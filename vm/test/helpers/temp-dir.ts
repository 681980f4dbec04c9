// Temporary directories of a test file, removed once its tests are done, a failed setup included:
// the hook is registered when a test file imports this module, before any of its tests runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { openAncestors } from "../../src/users/data-dir-layout";

const made: string[] = [];

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system's temp dir, gone after this file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * A fresh directory closed to other users (mkdtemp's 0700) whose ancestors they can pass, as a VM
 * server opens DATA_DIR's: the one closed directory on the way. The run's own temp dir is 0700
 * too, and only a server started earlier in the run would have opened it.
 */
export function closedTempDir(prefix: string): string {
  const dir = tempDir(prefix);
  openAncestors(dir, process.getuid?.() ?? -1);
  return dir;
}
