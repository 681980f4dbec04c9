// The process at the other end of a loopback request to an internal route, among the direct
// children of the live CLIs of one uid (a CLI's MCP servers are its children): found through
// /proc/net/tcp(6) and the candidates' open files, read as that uid where /proc hides it from the
// server (hidepid). Null when the request is not from such a process.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { ownStatLinesOf } from "../cli/agent-records";
import { outputAsUser } from "../users/as-user";
import type { AgentIds } from "../core/agent-ids";
import { parseProcParent, parseProcStat } from "../core/leftover-agents";
import { clientSocketOf, holdsSocket } from "../core/peer-socket";

export type PeerSocket = { remotePort: number; localPort: number };
export type PeerProcess = { pid: number; ppid: number; startTime: number };

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The server's own uid's stat lines, read in-process (agents of the server's uid). */
function ownStatLinesHere(): string[] {
  const lines: string[] = [];
  for (const entry of readdirSync("/proc")) if (/^\d+$/.test(entry)) lines.push(readText(`/proc/${entry}/stat`));
  return lines.filter(Boolean);
}

function fdTargetsHere(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return "";
      }
    });
  } catch {
    return [];
  }
}

/** Of `pids`, the one holding the socket, read as `ids` (one child, `ls` per candidate). */
async function holderAs(ids: AgentIds, pids: readonly number[], inode: number): Promise<number | null> {
  const script = 'for p in $P; do ls -l "/proc/$p/fd" 2>/dev/null | grep -qF "socket:[$I]" && echo "$p"; done; exit 0';
  const said = await outputAsUser(ids, script, { P: pids.join(" "), I: String(inode) });
  const pid = Number((said ?? "").trim().split("\n")[0]);
  return Number.isInteger(pid) && pids.includes(pid) ? pid : null;
}

/**
 * The process of `ids`'s uid (null: the server's) that holds the client end of `socket`, when it
 * is a direct child of one of `parents` (the uid's live CLIs); null otherwise.
 */
export async function peerProcessOf(socket: PeerSocket, ids: AgentIds | null, parents: ReadonlySet<number>): Promise<PeerProcess | null> {
  const owner = clientSocketOf(`${readText("/proc/net/tcp")}\n${readText("/proc/net/tcp6")}`, socket.remotePort, socket.localPort);
  const uid = ids ? ids.uid : process.getuid?.();
  if (!owner || owner.uid !== uid || parents.size === 0) return null;
  const lines = ids ? await ownStatLinesOf(ids) : ownStatLinesHere();
  const candidates: PeerProcess[] = [];
  for (const line of lines) {
    const parent = parseProcParent(line);
    const stat = parseProcStat(line);
    if (parent && stat && parents.has(parent.ppid) && parent.state !== "Z") candidates.push({ pid: parent.pid, ppid: parent.ppid, startTime: stat.startTime });
  }
  if (candidates.length === 0) return null;
  const pids = candidates.map((c) => c.pid);
  const holder = ids ? await holderAs(ids, pids, owner.inode) : (pids.find((pid) => holdsSocket(fdTargetsHere(pid), owner.inode)) ?? null);
  return candidates.find((c) => c.pid === holder) ?? null;
}
