// The client end of a loopback connection in /proc/net/tcp(6), whether a process holds it, and
// the agent process a peer descends from.
import { describe, expect, it } from "vitest";
import { agentAncestorOf, clientSocketOf, holdsSocket } from "../../src/core/peer-socket";

const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
// 127.0.0.1:40000 → 127.0.0.1:8080 (0x1F90), its server end, one listening socket, one in TIME_WAIT.
const TCP = [
  HEADER,
  "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0",
  "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 20001        0 2222 1 0000000000000000 20 4 30 10 -1",
  "   2: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 20 4 30 10 -1",
  "   3: 0100007F:9C41 0100007F:1F90 06 00000000:00000000 03:00000A3D 00000000     0        0 0 3 0000000000000000",
].join("\n");
const TCP6 = [HEADER, "   0: 0000000000000000FFFF00000100007F:9C42 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000 20002        0 4444 1 0 20 4 30 10 -1"].join("\n");

describe("clientSocketOf", () => {
  it.each([
    { name: "the client end, not the server's", text: TCP, client: 40000, server: 8080, owner: { inode: 2222, uid: 20001 } },
    { name: "over IPv6 (a v4-mapped address)", text: `${TCP}\n${TCP6}`, client: 40002, server: 8080, owner: { inode: 4444, uid: 20002 } },
    { name: "a connection being closed (TIME_WAIT, inode 0)", text: TCP, client: 40001, server: 8080, owner: null },
    { name: "another server port", text: TCP, client: 40000, server: 8081, owner: null },
    { name: "nothing readable", text: "", client: 40000, server: 8080, owner: null },
  ])("$name", ({ text, client, server, owner }) => expect(clientSocketOf(text, client, server)).toEqual(owner));
});

describe("holdsSocket", () => {
  it("matches the socket's link target exactly", () => {
    expect(holdsSocket(["/dev/null", "pipe:[9]", "socket:[2222]"], 2222)).toBe(true);
    expect(holdsSocket(["socket:[22220]", "anon_inode:[eventpoll]"], 2222)).toBe(false);
  });
});

describe("agentAncestorOf", () => {
  // 100 and 200: two agents' CLIs (children of the server, 1); 101 bash → 102 git → 103
  // git-remote-http under 100; 201 bash under 200; 300 a daemon adopted by PID 1; 104 a zombie.
  const stat = (pid: number, ppid: number, comm = "git", state = "S") => `${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 20 0 1 0 ${pid}00 0 0`;
  const LINES = [stat(100, 1, "claude"), stat(101, 100, "ba sh) S 200"), stat(102, 101), stat(103, 102), stat(200, 1, "claude"), stat(201, 200), stat(300, 1), stat(104, 100, "gh", "Z")];
  const agents = new Set([100, 200]);
  it.each([
    { name: "a git of the first agent's, three levels down (a comm with a parenthesis and a space)", peer: 103, agent: 100 },
    { name: "the second agent's shell", peer: 201, agent: 200 },
    { name: "an agent itself", peer: 200, agent: 200 },
    { name: "a daemon adopted by PID 1", peer: 300, agent: null },
    { name: "a zombie (no parent read)", peer: 104, agent: null },
    { name: "a process not among the uid's", peer: 999, agent: null },
  ])("$name", ({ peer, agent }) => expect(agentAncestorOf(peer, LINES, (pid) => agents.has(pid))).toBe(agent));
  it("stops on a loop of parents", () => expect(agentAncestorOf(5, [stat(5, 6), stat(6, 5)], () => false)).toBeNull());
});
