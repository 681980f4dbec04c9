// Doing things as a relay user's own OS user: the options that make a child process run as it,
// short synchronous file work in the server under its effective ids, and a tree removed by a
// child of its own. `null` ids everywhere mean "as the server itself" (not root, or AGENT_UIDS=off).
import { spawn } from "node:child_process";
import type { AgentIds } from "./core/agent-ids";

/** `spawn`/`execFile` options: the child sets its groups to `[gid]`, then gid, then uid. */
export function spawnIdsOf(ids: AgentIds | null): { uid?: number; gid?: number } {
  return ids ? { uid: ids.uid, gid: ids.gid } : {};
}

/**
 * Runs `work` with the user's effective uid, gid and groups, then switches back. Inside a user's
 * tree the server touches nothing as root: a symlink an agent left there (to another user's
 * files, to /etc) then reaches only what that user could reach anyway. Synchronous only: glibc
 * switches every thread of the process, so nothing else of the server may run meanwhile (the one
 * JavaScript thread is ours until `work` returns). libuv's pool may: its one server file work is
 * the clone size walk in git-clone.ts, whose reads, if they overlap, run as that user without
 * capabilities, fail, and are caught (counted as nothing until the next poll). Any other async
 * fs call of the server must be as harmless when it fails, or be made synchronous.
 */
export function asUser<T>(ids: AgentIds | null, work: () => T): T {
  if (!ids) return work();
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  const groups = process.getgroups?.() ?? [];
  process.setgroups?.([ids.gid]);
  process.setegid?.(ids.gid);
  process.seteuid?.(ids.uid);
  try {
    const result = work();
    if (result instanceof Promise) throw new Error("asUser takes synchronous work only");
    return result;
  } finally {
    process.seteuid?.(euid);
    process.setegid?.(egid);
    process.setgroups?.(groups);
  }
}

/**
 * Removes a tree as the user, in a child (a large tree never blocks the server): first made
 * writable, since the user may have made a directory of its own read-only, which `rm` alone
 * could not empty as that user.
 */
export function removeTreeAs(ids: AgentIds | null, path: string): Promise<void> {
  return new Promise((resolve) => {
    const script = 'chmod -R u+rwX -- "$1" 2>/dev/null; exec rm -rf -- "$1"';
    const child = spawn("sh", ["-c", script, "sh", path], { ...spawnIdsOf(ids), stdio: "ignore" });
    child.on("error", () => resolve());
    child.on("close", () => resolve());
  });
}
