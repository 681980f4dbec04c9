// Which agent process a connection to the credential proxy comes from, by the kernel's word, not by
// any secret: gh's Unix socket by its peer's credentials (SO_PEERCRED, read by a `perl` child
// holding a copy of the socket: Node has no getsockopt), git's loopback TCP by the client socket's
// inode in /proc/net/tcp(6) and the process whose open files hold it. From that process the line
// of parents is walked (core/peer-socket.ts) to an agent the run manager registered. /proc is
// read as the peer's uid (hidepid hides it from the server), in one child. A connection found to
// be an agent's is not looked up again; which run that agent serves is asked at each request (a
// warm or spare process changes runs).
import { spawn } from "node:child_process";
import type { Socket } from "node:net";
import type { AgentIds } from "../core/agent-ids";
import { agentAncestorOf, clientSocketOf } from "../core/peer-socket";
import type { RunReach } from "../github/github-gate";
import { outputAsUser } from "../users/as-user";
import { tcpTablesOfPeer } from "../users/user-netns";

/** An agent process as the run manager registered it: its uid, and the run it serves now (null between runs). */
export type AgentEntry = { ids: AgentIds | null; runOf: () => RunReach | null };
export type PeerAgent = { pid: number; entry: AgentEntry };

export type AgentRegistry = {
  /** Agent process `pid` (a CLI the run manager started, warm or spare included); the returned function forgets it. */
  register(pid: number, entry: AgentEntry): () => void;
  /** The agent a connection to the proxy comes from, or null (no agent's process, or one that ended). */
  peerOf(socket: Socket, kind: "tcp" | "unix"): Promise<PeerAgent | null>;
};

/** `pid uid` of a Unix socket's peer, read by a child holding a copy of the socket as fd 3. */
const PEERCRED = 'open(my $s, "+<&=", 3) or exit 1; my $c = getsockopt($s, SOL_SOCKET, SO_PEERCRED) or exit 2; my ($pid, $uid) = unpack("ll", $c); print "$pid $uid";';

function unixPeerOf(socket: Socket): Promise<{ pid: number; uid: number } | null> {
  return new Promise((resolve) => {
    let out = "";
    const child = spawn("perl", ["-MSocket", "-e", PEERCRED], { stdio: ["ignore", "pipe", "ignore", socket], cwd: "/", env: {} });
    child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", () => resolve(null));
    child.on("close", (code) => {
      const [pid, uid] = out.trim().split(" ").map(Number);
      resolve(code === 0 && Number.isInteger(pid) && Number.isInteger(uid) && pid! > 0 ? { pid: pid!, uid: uid! } : null);
    });
  });
}

/**
 * As `ids` (the server itself when null): the pid holding socket `inode` (when given) and the stat
 * lines of that uid's processes, in one child.
 */
async function processesAs(ids: AgentIds | null, inode: number | null): Promise<{ holder: number | null; statLines: string[] }> {
  const script = [
    'if [ -n "$I" ]; then find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\\[$I\\]" 2>/dev/null | sed -n "s|^/proc/\\([0-9]*\\)/fd/.*|H\\1|p" | head -n 1 | tr "\\n" "\\0"; fi',
    'for f in /proc/[0-9]*/stat; do [ -O "$f" ] && read -r line < "$f" && printf "S%s\\0" "$line"; done 2>/dev/null; exit 0',
  ].join("\n");
  const said = ((await outputAsUser(ids, script, { I: inode === null ? "" : String(inode) })) ?? "").split("\0");
  const holder = Number(said.find((part) => part.startsWith("H"))?.slice(1));
  return { holder: Number.isInteger(holder) && holder > 0 ? holder : null, statLines: said.filter((part) => part.startsWith("S")).map((part) => part.slice(1)) };
}

export function createAgentRegistry(): AgentRegistry {
  const agents = new Map<number, AgentEntry>();
  const looked = new WeakMap<Socket, Promise<PeerAgent | null>>();
  /** The uid's ids as its agents were started with; undefined when no live agent has that uid. */
  const idsOfUid = (uid: number): AgentIds | null | undefined => {
    for (const entry of agents.values()) if ((entry.ids ? entry.ids.uid : process.getuid?.()) === uid) return entry.ids;
    return undefined;
  };

  async function lookUp(socket: Socket, kind: "tcp" | "unix"): Promise<PeerAgent | null> {
    let peer: { uid: number; pid: number | null; inode: number | null } | null;
    if (kind === "unix") {
      const cred = await unixPeerOf(socket);
      peer = cred ? { ...cred, inode: null } : null;
    } else {
      // The client socket is in the tables of the network it came from: a user's namespace's, or the VM's.
      const owner = clientSocketOf(await tcpTablesOfPeer(socket.remoteAddress), socket.remotePort ?? 0, socket.localPort ?? 0);
      peer = owner ? { uid: owner.uid, pid: null, inode: owner.inode } : null;
    }
    const ids = peer ? idsOfUid(peer.uid) : undefined;
    if (!peer || ids === undefined) return null;
    const seen = await processesAs(ids, peer.inode);
    const pid = peer.pid ?? seen.holder;
    const agent = pid === null ? null : agentAncestorOf(pid, seen.statLines, (p) => agents.has(p));
    const entry = agent === null ? undefined : agents.get(agent);
    return agent !== null && entry ? { pid: agent, entry } : null;
  }

  return {
    register(pid, entry) {
      agents.set(pid, entry);
      return () => {
        if (agents.get(pid) === entry) agents.delete(pid);
      };
    },
    async peerOf(socket, kind) {
      let found = looked.get(socket);
      if (!found) {
        found = lookUp(socket, kind).catch(() => null);
        looked.set(socket, found);
      }
      const peer = await found;
      // Only a found agent is kept for the connection: one not found is looked up again next time.
      if (!peer && looked.get(socket) === found) looked.delete(socket);
      // The agent ended since (its pid may be another's now): no run's.
      return peer && agents.get(peer.pid) === peer.entry ? peer : null;
    },
  };
}
