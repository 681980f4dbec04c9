// The server's own reads of a user's files, as root and without becoming the user. The path is
// walked from the user's root (the server's to trust: `users/` is root's, so no agent can put a
// link in its place), one step at a time, each directory opened with O_DIRECTORY | O_NOFOLLOW
// inside the one before it (/proc/self/fd/<n>/<step>): a link anywhere on the way, even one
// swapped in meanwhile, ends the walk there, and nothing beyond it is looked at, so the answer
// says nothing of another user's tree. The last step is opened with O_PATH | O_NOFOLLOW, which
// opens nothing (no device's driver, no FIFO's wait); the descriptor must be a regular file of
// the user's own (a hard link to a file of root or of another user has that owner, and is
// refused), and only then is it opened for reading, through /proc/self/fd: the same file,
// looked up no more. Linux only: agents have uids of their own only there.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import type { AgentIds } from "../core/agent-ids";

/** Linux's O_PATH (the same on x86-64 and arm64): Node names it not. */
const O_PATH = 0o10000000;

export type CheckedRefusal = "missing" | "elsewhere" | "not_file" | "directory" | "not_owner";
export type CheckedOpen = { ok: true; fd: number; stat: Stats } | { ok: false; refusal: CheckedRefusal };

const refused = (refusal: CheckedRefusal): CheckedOpen => ({ ok: false, refusal });

/**
 * The directory `steps` below `root`, opened (O_RDONLY) one step at a time with O_DIRECTORY |
 * O_NOFOLLOW inside the one before: "elsewhere" at a link (or anything but a directory) on the
 * way, whatever lies behind it. The caller closes the descriptor.
 */
export function openDirBeneath(root: string, steps: readonly string[]): { ok: true; fd: number } | { ok: false; refusal: "missing" | "elsewhere" } {
  let dir: number;
  try {
    dir = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return { ok: false, refusal: "missing" };
  }
  for (const step of steps) {
    let next: number;
    try {
      next = openSync(`/proc/self/fd/${dir}/${step}`, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch (error) {
      closeSync(dir);
      return { ok: false, refusal: (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "elsewhere" };
    }
    closeSync(dir);
    dir = next;
  }
  return { ok: true, fd: dir };
}

/**
 * Opens `path`, inside the user's `root`, for reading (non-blocking) as the server, for a file of
 * `ids`' user. "elsewhere": a link (or no directory) on the way, or a path outside `root`.
 * The caller closes the descriptor.
 */
export function openUserFile(ids: AgentIds, root: string, path: string): CheckedOpen {
  const rel = relative(root, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return refused("elsewhere");
  const steps = rel.split(sep);
  const last = steps.pop() ?? "";
  const dir = openDirBeneath(root, steps);
  if (!dir.ok) return refused(dir.refusal);
  try {
    let handle: number;
    try {
      handle = openSync(`/proc/self/fd/${dir.fd}/${last}`, O_PATH | constants.O_NOFOLLOW);
    } catch (error) {
      return refused((error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "elsewhere");
    }
    try {
      const stat = fstatSync(handle);
      if (stat.isDirectory()) return refused("directory");
      if (!stat.isFile()) return refused("not_file");
      if (stat.uid !== ids.uid) return refused("not_owner");
      const fd = openSync(`/proc/self/fd/${handle}`, constants.O_RDONLY | constants.O_NONBLOCK);
      return { ok: true, fd, stat: fstatSync(fd) };
    } finally {
      closeSync(handle);
    }
  } finally {
    closeSync(dir.fd);
  }
}

/**
 * A small file of the user's read whole as text; null when there is none. Throws when it is
 * anything but the user's own regular file, or holds more than `maxBytes`. Only a regular file
 * is ever read (a FIFO or a device is refused by its descriptor's fstat first), so no read waits
 * on another process.
 */
export function readUserText(ids: AgentIds, root: string, path: string, maxBytes = Number.POSITIVE_INFINITY): string | null {
  const opened = openUserFile(ids, root, path);
  if (!opened.ok) {
    if (opened.refusal === "missing") return null;
    throw new Error(`${path} was not read: ${opened.refusal.replace("_", " ")}`);
  }
  return readWhole(opened.fd, path, maxBytes);
}

/**
 * The same for a VM whose agents are its own user (no uid of their own, nothing of another user's
 * in reach): the last step opened with O_NOFOLLOW | O_NONBLOCK, a regular file whose real path
 * lies inside `dir`, or a throw; null when there is none.
 */
export function readOwnText(dir: string, path: string, maxBytes = Number.POSITIVE_INFINITY): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let handed = false;
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} was not read: not a regular file`);
    const inside = relative(realpathSync(dir), realpathSync(`/proc/self/fd/${fd}`));
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) throw new Error(`${path} was not read: elsewhere`);
    handed = true;
    return readWhole(fd, path, maxBytes);
  } finally {
    if (!handed) closeSync(fd);
  }
}

/** Reads an opened regular file to its end (at most `maxBytes`, else a throw) and closes it. */
function readWhole(fd: number, path: string, maxBytes: number): string {
  try {
    if (fstatSync(fd).size > maxBytes) throw new Error(`${path} was not read: larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      // It may have grown since the fstat.
      if (total > maxBytes) throw new Error(`${path} was not read: larger than ${maxBytes} bytes`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
