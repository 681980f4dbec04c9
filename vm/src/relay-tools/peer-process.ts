// Whether a given process holds the client end of a loopback request's connection: the client
// socket is found in /proc/net/tcp(6) (its uid and inode), then among the process's open files,
// read as that process's uid where /proc hides it from the server (hidepid), in one child.
import { readdirSync, readlinkSync } from "node:fs";
import { outputAsUser } from "../users/as-user";
import { tcpTablesOfPeer } from "../users/user-netns";
import type { AgentIds } from "../core/agent-ids";
import { clientSocketOf, holdsSocket } from "../core/peer-socket";

/** `remoteAddress`: a user's network namespace's own when the agent runs in one (users/user-netns.ts). */
export type PeerSocket = { remotePort: number; localPort: number; remoteAddress?: string | undefined };

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

/** Whether `pid`'s open files include `socket:[inode]`, read as `ids` (one child). */
async function holdsAs(ids: AgentIds, pid: number, inode: number): Promise<boolean> {
  const script = 'ls -l "/proc/$P/fd" 2>/dev/null | grep -qF "socket:[$I]" && echo held; exit 0';
  return ((await outputAsUser(ids, script, { P: String(pid), I: String(inode) })) ?? "").trim() === "held";
}

/** Whether process `pid`, of `ids`'s uid (null: the server's), holds the client end of `socket`. */
export async function holdsConnection(socket: PeerSocket, ids: AgentIds | null, pid: number): Promise<boolean> {
  const owner = clientSocketOf(await tcpTablesOfPeer(socket.remoteAddress), socket.remotePort, socket.localPort);
  const uid = ids ? ids.uid : process.getuid?.();
  if (!owner || owner.uid !== uid) return false;
  return ids ? holdsAs(ids, pid, owner.inode) : holdsSocket(fdTargetsHere(pid), owner.inode);
}
