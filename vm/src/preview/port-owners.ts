// The ports a conversation's processes listen on: every process whose working directory is in the
// conversation's workspace (and, with per-user uids, whose uid is the user's), their socket
// inodes, and the listening sockets of /proc/net/tcp{,6} (core/listening-ports.ts).
// Why the working directory: a user's workspaces are owner-only, so no other uid can enter one,
// and a process of another conversation of the same user that moved into it is the user's own.
// The server sees every process (it is root, or the agents run as its own uid).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { isWithin, listeningSocketsOf, portsOwned, socketInodeOf, type ListeningSocket } from "../core/listening-ports";

const readOr = (path: string, fallback: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
};

const linkOr = (path: string): string | null => {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
};

const uidOf = (pid: string): number | null => {
  const line = readOr(`/proc/${pid}/status`, "").split("\n").find((l) => l.startsWith("Uid:"));
  const real = Number(line?.split(/\s+/)[1]);
  return Number.isInteger(real) ? real : null;
};

/** The socket inodes held by the processes working in `dir` (as `uid`, when one is given). */
function socketInodesIn(dir: string, uid: number | null): Set<number> {
  const inodes = new Set<number>();
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const cwd = linkOr(`/proc/${pid}/cwd`);
    if (cwd === null || !isWithin(cwd, dir)) continue;
    if (uid !== null && uidOf(pid) !== uid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const inode = socketInodeOf(linkOr(`/proc/${pid}/fd/${fd}`) ?? "");
      if (inode !== null) inodes.add(inode);
    }
  }
  return inodes;
}

const listening = (): ListeningSocket[] => [...listeningSocketsOf(readOr("/proc/net/tcp", "")), ...listeningSocketsOf(readOr("/proc/net/tcp6", ""))];

/** The ports the processes working in `dir` listen on, ascending; `exclude` (the VM's own) never among them. */
export function portsListenedIn(dir: string, uid: number | null, exclude: readonly number[] = []): number[] {
  return portsOwned(listening(), socketInodesIn(dir, uid)).filter((port) => !exclude.includes(port));
}
