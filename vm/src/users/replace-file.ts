// A file of the server's on DATA_DIR replaced whole (the uid record, the slots' record), in a module
// of its own so the records' modules import it without a circle through user-paths.ts.
import { renameSync, writeFileSync } from "node:fs";

/** Through a temporary file and a rename: a reader never sees half a file. */
export function replaceFile(path: string, text: string, mode: number): void {
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, text, { mode });
  renameSync(partial, path);
}
