// A throwaway copy of the repository as a fresh clone would have it (no .dev.vars, no .wrangler,
// no .data), sharing node_modules. The stack runs from it so that edits to the working tree
// during a test (wrangler dev reloads on them) and the user's own local state stay out of it.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { sharedStateDirOf } from "../../../scripts/stack/data-dir";
import { guardPath } from "../../../scripts/stack/reaper";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** What a clone holds: tracked files and new ones not yet committed, never ignored ones. */
function sourceFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\0")
    .filter((file) => file !== "" && existsSync(join(REPO_ROOT, file)));
}

export function makeFreshClone(label: string): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `relay-${label}-`));
  // As root, `npm start` in this private copy keeps its data outside it, in a directory of this
  // copy's own (scripts/stack/data-dir.ts): it goes with the copy.
  const outside = sharedStateDirOf(root);
  // Both removed by the reaper's watchdog if this process dies before removing them itself.
  const unguard = [guardPath(root), guardPath(outside)];
  const remove = () => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
    for (const release of unguard) release();
  };
  try {
    for (const file of sourceFiles()) {
      const from = join(REPO_ROOT, file);
      if (!statSync(from).isFile()) continue;
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyFileSync(from, join(root, file));
      chmodSync(join(root, file), statSync(from).mode);
    }
    symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"), "dir");
  } catch (error) {
    // A half-made copy is nobody's to remove later.
    remove();
    throw error;
  }
  return { root, remove };
}
