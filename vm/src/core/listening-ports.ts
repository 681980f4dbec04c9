// Which TCP ports a set of processes listens on, from the kernel's own tables as text: the
// listening sockets of /proc/net/tcp and tcp6 (port and socket inode), and the `socket:[inode]`
// links of each process's /proc/<pid>/fd. Pure: the preview's port check (preview/port-owners.ts)
// reads the files and asks this.

/** A listening socket: its local port and the inode that names it in a process's fd table. */
export type ListeningSocket = { port: number; inode: number };

/** TCP_LISTEN in the kernel's `st` column. */
const LISTEN = "0A";

/** The listening sockets of one /proc/net/tcp or tcp6 text (the header line is skipped). */
export function listeningSocketsOf(table: string): ListeningSocket[] {
  const found: ListeningSocket[] = [];
  for (const line of table.split("\n").slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const port = Number.parseInt(fields[1]?.split(":").at(-1) ?? "", 16);
    const inode = Number(fields[9]);
    if (Number.isInteger(port) && port > 0 && Number.isInteger(inode) && inode > 0) found.push({ port, inode });
  }
  return found;
}

/** The ports, ascending and once each, of the listening sockets whose inode is in `inodes`. */
export function portsOwned(sockets: readonly ListeningSocket[], inodes: ReadonlySet<number>): number[] {
  return [...new Set(sockets.filter((s) => inodes.has(s.inode)).map((s) => s.port))].sort((a, b) => a - b);
}
