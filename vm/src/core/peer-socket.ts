// Which process is at the other end of a loopback TCP connection to the VM, the pure part: the
// connection's socket in /proc/net/tcp(6) (its inode and owning uid), whether a process's open
// files hold that socket, and which agent process a peer descends from. The MCP endpoint asks it so
// that only the agent's own CLI, not another process holding its secret, is heard
// (relay-tools/tool-bridge.ts), and the credential proxy so that git and gh are judged as the run of the
// agent they descend from, never by a secret (credentials/peer-agent.ts, docs/vm.md).
import { parseProcParent } from "./leftover-agents";

export type SocketOwner = { inode: number; uid: number };

/** A `/proc/net/tcp(6)` address (`0100007F:1F90`) → its port. */
const portOf = (address: string | undefined): number => Number.parseInt(address?.split(":").at(-1) ?? "", 16);

/**
 * The client end of an established connection from `clientPort` to `serverPort`, in the text of
 * `/proc/net/tcp` and `/proc/net/tcp6` (columns: sl, local, remote, st, queues, timer, retransmits,
 * uid, timeout, inode). Null when there is none (or the socket is gone: inode 0).
 */
export function clientSocketOf(procNetTcp: string, clientPort: number, serverPort: number): SocketOwner | null {
  for (const line of procNetTcp.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== "01") continue;
    if (portOf(cols[1]) !== clientPort || portOf(cols[2]) !== serverPort) continue;
    const uid = Number(cols[7]);
    const inode = Number(cols[9]);
    if (Number.isInteger(uid) && Number.isInteger(inode) && inode > 0) return { inode, uid };
  }
  return null;
}

/** Whether one of a process's `/proc/<pid>/fd` link targets is that socket. */
export function holdsSocket(fdTargets: readonly string[], inode: number): boolean {
  return fdTargets.includes(`socket:[${inode}]`);
}

/** More parents than any agent's tools nest: past this, no agent is found. */
const MAX_ANCESTRY = 256;

/**
 * The agent process `peerPid` is or descends from, walking parents through `statLines` (the
 * `/proc/<pid>/stat` lines of the peer's uid): the first pid `isAgent` says is one. Null when the
 * line of parents leaves those lines (an orphan adopted by PID 1, a process of another uid, the
 * server) before reaching one: a process no agent started is no run's.
 */
export function agentAncestorOf(peerPid: number, statLines: readonly string[], isAgent: (pid: number) => boolean): number | null {
  const parents = new Map<number, number>();
  for (const line of statLines) {
    const p = parseProcParent(line);
    if (p && p.state !== "Z") parents.set(p.pid, p.ppid);
  }
  let pid: number | undefined = peerPid;
  for (let step = 0; pid !== undefined && step < MAX_ANCESTRY; step++) {
    if (isAgent(pid)) return pid;
    pid = parents.get(pid);
  }
  return null;
}
