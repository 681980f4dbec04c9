// The server's own reads of a user's files, as root and without becoming the user: the path is
// first opened with O_PATH | O_NOFOLLOW, which opens nothing (no device's driver, no FIFO's wait)
// and follows no final link; then the descriptor, not the path, is checked: it must be where the
// caller expected, if it said (no directory on the way swapped for a link), a regular file, and
// the user's own: whatever links led there, its bytes are then the user's, readable by it anyway
// (a hard link to a file of root or of another user has that owner, and is refused). Only then
// is it opened for reading, through /proc/self/fd: the same file, looked up no more.
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync, type Stats } from "node:fs";
import type { AgentIds } from "./core/agent-ids";

/** Linux's O_PATH (the same on x86-64 and arm64): Node names it not. */
const O_PATH = 0o10000000;

export type CheckedRefusal = "missing" | "elsewhere" | "not_file" | "directory" | "not_owner";
export type CheckedOpen = { ok: true; fd: number; stat: Stats } | { ok: false; refusal: CheckedRefusal; code?: string };

/**
 * Opens `path` for reading (non-blocking) as the server, for a file of `ids`' user; with
 * `expected`, it must be that path once opened (every link resolved). The caller closes the descriptor.
 */
export function openUserFile(ids: AgentIds, path: string, expected?: string): CheckedOpen {
  let handle: number;
  try {
    handle = openSync(path, O_PATH | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, refusal: code === "ENOENT" || code === "ENOTDIR" ? "missing" : "elsewhere", code };
  }
  try {
    if (expected !== undefined && readlinkSync(`/proc/self/fd/${handle}`) !== expected) return { ok: false, refusal: "elsewhere" };
    const stat = fstatSync(handle);
    if (stat.isDirectory()) return { ok: false, refusal: "directory" };
    if (!stat.isFile()) return { ok: false, refusal: "not_file" };
    if (stat.uid !== ids.uid) return { ok: false, refusal: "not_owner" };
    const fd = openSync(`/proc/self/fd/${handle}`, constants.O_RDONLY | constants.O_NONBLOCK);
    return { ok: true, fd, stat: fstatSync(fd) };
  } finally {
    closeSync(handle);
  }
}

/** A small file of the user's read whole as text; null when there is none. Throws when it is anything but the user's own regular file. */
export function readUserText(ids: AgentIds, path: string): string | null {
  const opened = openUserFile(ids, path);
  if (!opened.ok) {
    if (opened.refusal === "missing") return null;
    throw new Error(`${path} was not read: ${opened.refusal.replace("_", " ")}`);
  }
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const read = readSync(opened.fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    closeSync(opened.fd);
  }
}
